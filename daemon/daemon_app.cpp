#include "daemon_app.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include "config/config_loader.hpp"
#include "crypto/master_key.hpp"
#include "crypto/secret_box.hpp"
#include "metrics/textfile.hpp"
#include "server/key_rotation.hpp"
#include "server/listener.hpp"
#include "server/server.hpp"
#include "server/store_open.hpp"
#include "store/write_queue.hpp"
#include "sys/log.hpp"
#include "sys/systemd.hpp"

namespace mfa::daemon {
namespace {

using asio::redirect_error;
using asio::use_awaitable;

// How long in-flight requests get after SIGTERM before the daemon exits anyway.
constexpr auto kDrainLimit = std::chrono::seconds(10);

// Settings that are bound at start; a reload keeps the running values. On
// SQLite, store.postgresql is read anew: mfactl admin migrate-store uses it.
void keep_startup_settings(const Config& running, Config& fresh) {
    bool on_postgresql = running.store.backend == StoreBackend::postgresql;
    if (fresh.socket != running.socket || fresh.database != running.database || fresh.key_file != running.key_file ||
        fresh.durability != running.durability || fresh.store.backend != running.store.backend ||
        (on_postgresql && (fresh.store.conninfo != running.store.conninfo ||
                           fresh.store.password_credential != running.store.password_credential)))
        log::warning("socket, database, key_file, durability and store change only at restart");
    fresh.socket = running.socket;
    fresh.database = running.database;
    fresh.key_file = running.key_file;
    fresh.durability = running.durability;
    fresh.store.backend = running.store.backend;
    if (on_postgresql) fresh.store = running.store;
}

class Daemon {
public:
    Daemon(asio::io_context& io, std::string config_path, DaemonState& state, Acceptor acceptor)
        : io_(io),
          config_path_(std::move(config_path)),
          state_(state),
          server_(io_, state, std::move(acceptor)),
          signals_(io_, SIGTERM, SIGINT, SIGHUP),
          watchdog_(io_),
          metrics_timer_(io_),
          drain_limit_(io_) {}

    void run() {
        server_.start();
        asio::co_spawn(io_, handle_signals(), asio::detached);
        if (auto period = systemd::watchdog_period()) asio::co_spawn(io_, ping_watchdog(*period / 2), asio::detached);
        asio::co_spawn(io_, write_metrics(), asio::detached);
        systemd::notify_ready("Serving on " + state_.config->socket);
        io_.run();
    }

private:
    Awaitable<void> handle_signals() {
        for (;;) {
            boost::system::error_code ec;
            int signal = co_await signals_.async_wait(redirect_error(use_awaitable, ec));
            if (ec) co_return;
            if (signal == SIGHUP) {
                reload();
                continue;
            }
            log::notice("stopping: letting in-flight requests finish");
            systemd::notify_stopping();
            state_.rotation->stop();
            state_.pushes.stop_all();  // their ends are recorded, and nothing waits on a phone
            drain_limit_.expires_after(kDrainLimit);
            drain_limit_.async_wait([this](boost::system::error_code e) {
                if (!e) {
                    log::warning("requests still running at the drain limit; exiting");
                    io_.stop();
                }
            });
            server_.drain([this] {
                drain_limit_.cancel();
                watchdog_.cancel();
                metrics_timer_.cancel();
                signals_.cancel();
            });
            co_return;
        }
    }

    void reload() {
        systemd::notify_reloading();
        auto fresh = load_config(config_path_);
        if (!fresh) {
            log::error("configuration reload failed; keeping the running configuration",
                       {{"MFA_REASON", fresh.error().message}});
        } else {
            keep_startup_settings(*state_.config, *fresh);
            state_.config = std::make_shared<const Config>(std::move(*fresh));
            state_.logins->set_per_user(state_.config->connections.max_logins_per_user);
            log::notice("configuration reloaded", {{"MFA_EVENT", "config_reload"}});
        }
        systemd::notify_ready("Serving on " + state_.config->socket);
    }

    Awaitable<void> ping_watchdog(std::chrono::microseconds every) {
        for (;;) {
            systemd::notify_watchdog();
            watchdog_.expires_after(every);
            boost::system::error_code ec;
            co_await watchdog_.async_wait(redirect_error(use_awaitable, ec));
            if (ec) co_return;
        }
    }

    // The node_exporter textfile, every metrics.interval (both read anew after
    // a reload). A failure is logged when it starts and when it ends, not
    // every interval.
    Awaitable<void> write_metrics() {
        bool failing = false;
        for (;;) {
            auto config = state_.config;
            if (!config->metrics.textfile.empty()) {
                auto written = replace_textfile(config->metrics.textfile, state_.counters.prometheus());
                if (!written && !failing) log::error("metrics not written", {{"MFA_REASON", written.error().message}});
                if (written && failing) log::notice("metrics written again");
                failing = !written;
            }
            metrics_timer_.expires_after(config->metrics.interval);
            boost::system::error_code ec;
            co_await metrics_timer_.async_wait(redirect_error(use_awaitable, ec));
            if (ec) co_return;
        }
    }

    asio::io_context& io_;
    std::string config_path_;
    DaemonState& state_;
    Server server_;
    asio::signal_set signals_;
    asio::steady_timer watchdog_;
    asio::steady_timer metrics_timer_;
    asio::steady_timer drain_limit_;
};

}  // namespace

int run_daemon(const std::string& config_path) {
    umask(077);
    std::signal(SIGPIPE, SIG_IGN);
    log::init();

    auto config = load_config(config_path);
    if (!config) {
        log::error("invalid configuration", {{"MFA_REASON", config.error().message}});
        return 1;
    }
    if (geteuid() == 0) log::warning("running as root; the units run mfad as the mfad user");

    auto key = MasterKey::load(resolve_key_path(config->key_file));
    if (!key) {
        log::error("cannot load the key", {{"MFA_REASON", key.error().message}});
        return 1;
    }
    KeyRing keys(std::move(*key));
    auto store = open_store(*config, keys);
    if (!store) {
        log::error("cannot open the store", {{"MFA_REASON", store.error().message}});
        return 1;
    }

    SecretBox box(keys);
    DaemonState state;
    state.config = std::make_shared<const Config>(std::move(*config));
    state.schema_version = (*store)->schema_version();
    state.box = &box;
    state.keys = &keys;
    // Codes and destinations are hashed with the key mfad was given, for its
    // whole run: a rotation does not change them under a code in flight.
    SentCodes codes(keys.primary());
    state.codes = &codes;
    KeyRotator rotation(keys, state);
    state.rotation = &rotation;
    if (auto rc = rotation.restore(**store); !rc) {
        log::error("cannot start with this key", {{"MFA_REASON", rc.error().message}});
        return 1;
    }
    // Connections hold places in it until the io_context below is gone.
    PendingLogins logins(state.config->connections.max_logins_per_user);
    state.logins = &logins;

    asio::io_context io(1);
    Background background;  // after io: joined before io goes, since its jobs post back to io
    state.background = &background;
    auto access = store_access(*state.config, std::move(*store), keys);
    if (!access) {
        log::error("cannot open the store", {{"MFA_REASON", access.error().message}});
        return 1;
    }
    state.store = access->get();
    WriteQueue writes(io, **access);
    state.writes = &writes;
    rotation.resume(io.get_executor());
    bool activated = false;
    auto acceptor = open_listener(io, state.config->socket, activated);
    if (!acceptor) {
        log::error("cannot listen", {{"MFA_REASON", acceptor.error().message}});
        return 1;
    }
    log::info(activated ? "listening on the socket systemd passed" : "listening on " + state.config->socket,
              {{"MFA_SCHEMA_VERSION", std::to_string(state.schema_version)}});
    Daemon(io, config_path, state, std::move(*acceptor)).run();
    auto stats = writes.stats();
    log::notice("stopped", {{"MFA_WRITES", std::to_string(stats.jobs)}, {"MFA_COMMITS", std::to_string(stats.commits)}});
    return 0;
}

}  // namespace mfa::daemon
