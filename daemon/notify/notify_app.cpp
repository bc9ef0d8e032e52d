#include "notify/notify_app.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

#include "config/config_loader.hpp"
#include "notify/command_provider.hpp"
#include "notify/http_provider.hpp"
#include "notify/notify_server.hpp"
#include "notify/push_command_provider.hpp"
#include "notify/push_http_provider.hpp"
#include "server/listener.hpp"
#include "sys/log.hpp"
#include "sys/systemd.hpp"

namespace mfa::notify {
namespace {

namespace log = daemon::log;

Result<std::unique_ptr<Provider>> make_sms_provider(const daemon::Config::Sms& sms) {
    switch (sms.provider) {
        case daemon::SmsProvider::none: return std::unique_ptr<Provider>();
        case daemon::SmsProvider::command: return std::unique_ptr<Provider>(new CommandProvider(sms.command, sms.timeout));
        case daemon::SmsProvider::http: {
            auto http = HttpProvider::make(sms.http, sms.timeout);
            if (!http) return http.error();
            return std::unique_ptr<Provider>(std::move(*http));
        }
    }
    return make_error("unknown sms.provider");
}

Result<std::unique_ptr<PushProvider>> make_push_provider(const daemon::Config& config) {
    const auto& push = config.push;
    // mfad waits notify.timeout for the new challenge: the provider's answer must come first.
    auto create_timeout = std::max(std::chrono::seconds(1), config.notify.timeout - std::chrono::seconds(2));
    switch (push.provider) {
        case daemon::PushProvider::none: return std::unique_ptr<PushProvider>();
        case daemon::PushProvider::command: return std::unique_ptr<PushProvider>(new PushCommandProvider(push.command));
        case daemon::PushProvider::http: {
            auto http = PushHttpProvider::make(push.http, create_timeout);
            if (!http) return http.error();
            return std::unique_ptr<PushProvider>(std::move(*http));
        }
    }
    return make_error("unknown push.provider");
}

Result<uid_t> client_uid(const std::string& user) {
    passwd entry{}, *found = nullptr;
    std::vector<char> buffer(16384);
    if (getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr)
        return make_error("notify.client_user: no user " + user);
    return found->pw_uid;
}

}  // namespace

int run_notify(const std::string& config_path, bool check_only) {
    log::init("mfad-notify");
    auto config = daemon::load_config(config_path);
    if (!config) {
        std::cerr << config.error().message << "\n";
        return 1;
    }
    auto sms = make_sms_provider(config->sms);
    auto push = make_push_provider(*config);
    auto uid = client_uid(config->notify.client_user);
    if (!sms || !push || !uid) {
        std::cerr << "mfad-notify: " << (!sms ? sms.error() : !push ? push.error() : uid.error()).message << "\n";
        return 1;
    }
    if (check_only) {
        std::cout << "ok\n";
        return 0;
    }
    if (!*sms) log::notice("no sms.provider configured: every SMS is refused");

    boost::asio::io_context io(1);
    bool activated = false;
    auto acceptor = daemon::open_listener(io, config->notify.socket, activated, 0600);
    if (!acceptor) {
        log::error("cannot listen", {{"MFA_REASON", acceptor.error().message}});
        return 1;
    }
    // Bound here as root for a daemon that runs as another user: the file is that user's alone.
    if (!activated && getuid() == 0 && *uid != 0 && chown(config->notify.socket.c_str(), *uid, static_cast<gid_t>(-1)) != 0) {
        log::error("cannot hand the socket to notify.client_user", {{"MFA_REASON", strerror(errno)}});
        return 1;
    }
    ServerLimits limits;
    limits.deadline = std::max(config->sms.timeout, config->email.timeout) + std::chrono::seconds(5);
    Providers providers{std::move(*sms), std::make_unique<CommandProvider>(config->email.sendmail, config->email.timeout),
                        std::move(*push)};
    NotifyServer server(std::move(*acceptor), *uid, std::move(providers), config->email.from, limits);
    boost::asio::signal_set stop(io, SIGTERM, SIGINT);
    stop.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        daemon::systemd::notify_stopping();
        server.stop();
        io.stop();
    });
    boost::asio::co_spawn(io, server.run(), boost::asio::detached);
    log::info("listening", {{"MFA_SOCKET", config->notify.socket}});
    daemon::systemd::notify_ready("Sending for mfad");
    io.run();
    return 0;
}

}  // namespace mfa::notify
