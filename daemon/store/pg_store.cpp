#include "store/pg_store.hpp"

#include <chrono>

#include "store/pg_migrations.hpp"
#include "store/sql_audit.hpp"

namespace mfa::daemon {

Result<std::unique_ptr<PgStore>> PgStore::open(const pg::ConnectTo& to, const KeyRing& keys) {
    auto db = pg::Database::connect(to);
    if (!db) return db.error();
    auto version = migrate_postgresql(**db);
    if (!version) return version.error();
    return std::unique_ptr<PgStore>(new PgStore(std::move(*db), to, *version, keys));
}

Result<std::int64_t> PgStore::clock_skew_ms() {
    auto server = db_.query_int("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint");
    if (!server) return server.error();
    auto here = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
    return here.count() - *server;
}

std::function<Result<AuditCheck>()> PgStore::audit_chain_checker() const {
    // Its own connection: a failure there is no outage the store thread saw
    // and logged, so it goes to the caller as a plain error, logged there.
    auto plain = [](Error error) {
        error.outage = false;
        return error;
    };
    return [to = to_, seal = reader_seal_, plain]() -> Result<AuditCheck> {
        auto db = pg::Database::connect(to);
        if (!db) return plain(db.error());
        auto snapshot = sql::ReadSnapshot::begin(**db);  // the rows and the sealed head as of one moment
        if (!snapshot) return plain(snapshot.error());
        auto check = verify_audit_rows(**db, *seal);
        if (!check) return plain(check.error());
        return check;
    };
}

}  // namespace mfa::daemon
