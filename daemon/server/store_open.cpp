#include "server/store_open.hpp"

#include <cstdlib>

#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"
#include "sys/credential.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

Result<pg::ConnectTo> postgresql_target(const Config::Store& store) {
    if (auto ok = pg::check_conninfo(store.conninfo); !ok) return ok.error();
    pg::ConnectTo to{store.conninfo, ""};
    if (!store.password_credential.empty()) {
        auto password = read_credential(store.password_credential);
        if (!password) return make_error("store.postgresql.password_credential: " + password.error().message);
        to.password = std::move(*password);
    }
    return to;
}

// Hosts judge TOTP steps and lock expiry by their own clocks against shared
// rows: a host whose clock is off spends steps, or ends locks, that the others
// do not expect. Said at every connect, not refused: NTP mends it, and a host
// that will not start denies every login.
constexpr std::int64_t kSkewWarnMs = 5000;

Result<std::unique_ptr<PgStore>> open_checked(const pg::ConnectTo& to, const KeyRing& keys) {
    auto store = PgStore::open(to, keys);
    if (!store) return store.error();
    auto skew = (*store)->clock_skew_ms();
    if (!skew) return skew.error();
    if (std::llabs(*skew) > kSkewWarnMs)
        log::warning("this host's clock differs from the database server's by " + std::to_string(std::llabs(*skew) / 1000) +
                         " s; hosts sharing TOTP steps and lockouts need synchronized clocks (NTP)",
                     {{"MFA_CLOCK_SKEW_MS", std::to_string(*skew)}});
    return store;
}

}  // namespace

Result<std::unique_ptr<PgStore>> open_postgresql(const Config::Store& store, const KeyRing& keys) {
    auto to = postgresql_target(store);
    if (!to) return to.error();
    return open_checked(*to, keys);
}

Result<std::unique_ptr<Store>> open_store(const Config& config, const KeyRing& keys) {
    if (config.store.backend == StoreBackend::postgresql) {
        auto store = open_postgresql(config.store, keys);
        if (!store) return store.error();
        return std::unique_ptr<Store>(std::move(*store));
    }
    auto store = SqliteStore::open(config.database, config.durability, keys);
    if (!store) return store.error();
    auto moved = (*store)->migrated_away();
    if (!moved) return moved.error();
    if (*moved)
        return make_error(config.database + " was copied to PostgreSQL (mfactl admin migrate-store) and takes no more "
                                            "logins: set store.backend: postgresql");
    if (auto rc = (*store)->checkpoint_in_background(config.database); !rc)
        return make_error("cannot open the store for checkpoints: " + rc.error().message);
    return std::unique_ptr<Store>(std::move(*store));
}

Result<std::unique_ptr<StoreAccess>> store_access(const Config& config, std::unique_ptr<Store> store, const KeyRing& keys) {
    if (config.store.backend != StoreBackend::postgresql) return std::make_unique<StoreAccess>(std::move(store));
    const auto* first = dynamic_cast<const PgStore*>(store.get());
    if (first == nullptr) return make_error("store.backend is postgresql, but the store is not");
    auto reopen = [to = first->target(), &keys]() -> Result<std::unique_ptr<Store>> {
        auto again = open_checked(to, keys);
        if (!again) return again.error();
        return std::unique_ptr<Store>(std::move(*again));
    };
    return std::make_unique<StoreAccess>(std::move(store), std::move(reopen));
}

}  // namespace mfa::daemon
