// The store the config names, opened and brought up to date: this host's
// SQLite file, or the PostgreSQL database a fleet shares.
#pragma once

#include <memory>

#include "config/config.hpp"
#include "crypto/key_ring.hpp"
#include "server/store_access.hpp"

namespace mfa::daemon {

class PgStore;

// SQLite's WAL checkpoints move to a thread of their own here. An SQLite
// store whose rows went to PostgreSQL is refused.
Result<std::unique_ptr<Store>> open_store(const Config& config, const KeyRing& keys);

// The PostgreSQL store store.postgresql names, whatever store.backend says
// (mfactl admin migrate-store fills it while mfad still runs on SQLite).
Result<std::unique_ptr<PgStore>> open_postgresql(const Config::Store& store, const KeyRing& keys);

// Where the store's calls run: SQLite on the loop, PostgreSQL on a thread that
// connects again (with `keys`, which must outlive it) when the server was lost.
Result<std::unique_ptr<StoreAccess>> store_access(const Config& config, std::unique_ptr<Store> store, const KeyRing& keys);

}  // namespace mfa::daemon
