// The fleet's store: one PostgreSQL database that every host's mfad shares,
// with the same decisions as SQLite's (SqlStore). Each call blocks its thread:
// mfad runs it on a store thread, never on the event loop.
#pragma once

#include <memory>

#include "store/pg_handle.hpp"
#include "store/sql_store.hpp"

namespace mfa::daemon {

class PgStore final : public SqlStore {
public:
    // Connects, and brings the schema up to date (once across the fleet).
    static Result<std::unique_ptr<PgStore>> open(const pg::ConnectTo& to, const KeyRing& keys);

    std::optional<std::string> lost() const override { return static_cast<const pg::Database&>(db_).lost(); }
    Result<void> probe() override { return db_.exec("SELECT 1"); }
    // This host's clock minus the server's, in milliseconds (give or take a round trip).
    Result<std::int64_t> clock_skew_ms();

    std::function<Result<AuditCheck>()> audit_chain_checker() const override;
    // Where it connected, with the password read at start: connecting again
    // reads no credential.
    const pg::ConnectTo& target() const { return to_; }

private:
    PgStore(std::unique_ptr<pg::Database> db, pg::ConnectTo to, int version, const KeyRing& keys)
        : SqlStore(std::move(db), version, keys), to_(std::move(to)) {}
    pg::ConnectTo to_;
};

}  // namespace mfa::daemon
