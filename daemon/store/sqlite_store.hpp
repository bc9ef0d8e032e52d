// The embedded store: one SQLite file on this host.
#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "store/checkpointer.hpp"
#include "store/sql_store.hpp"
#include "store/sqlite_handle.hpp"
#include "store/wal_sync.hpp"

namespace mfa::daemon {

// Latest schema this build knows; PRAGMA user_version holds the file's.
int latest_schema_version();

class SqliteStore final : public SqlStore {
public:
    // Creates the directory (0700) and file (0600) if missing, refuses
    // symlinks and a world-writable directory, applies pending migrations.
    // The audit chain's head is sealed with a key derived from `key`.
    static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, Durability durability,
                                                     const KeyRing& keys);

    // For the writer's connection: WAL checkpoints move to a thread of their own.
    Result<void> checkpoint_in_background(const std::string& path);

    std::function<Result<AuditCheck>()> audit_chain_checker() const override;
    void when_durable(std::function<void(Result<void>)> done) override;
    bool durable_later() const override { return wal_sync_ != nullptr; }
    bool writes_refused() const override { return wal_sync_ && wal_sync_->failure(); }
    // No group runs once a sync has failed.
    Result<void> run_group(const std::function<void(Store&)>& body) override;

    // Its rows went to PostgreSQL (mfactl admin migrate-store): it must not
    // take logins again, or the two would part.
    Result<bool> migrated_away();

protected:
    Result<void> mark_moved() override;

private:
    SqliteStore(std::unique_ptr<sqlite::Database> db, std::string path, int version, const KeyRing& keys)
        : SqlStore(std::move(db), version, keys), path_(std::move(path)) {}
    sqlite::Database& sqlite() { return static_cast<sqlite::Database&>(db_); }

    std::string path_;
    std::unique_ptr<Checkpointer> checkpointer_;  // a member of the derived class: detaches before the connection closes
    std::unique_ptr<WalSync> wal_sync_;           // durability: full only
};

}  // namespace mfa::daemon
