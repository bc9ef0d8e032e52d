#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "store/sqlite_handle.hpp"
#include "store/store.hpp"

namespace mfa::daemon {

// Latest schema this build knows; PRAGMA user_version holds the file's.
int latest_schema_version();

class SqliteStore final : public Store {
public:
    // Creates the directory (0700) and file (0600) if missing, refuses
    // symlinks and a world-writable directory, applies pending migrations.
    static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, Durability durability);

    int schema_version() const override { return schema_version_; }
    Result<void> save_factor(const FactorRecord& factor) override;
    Result<std::optional<FactorRecord>> load_factor(std::string_view user, FactorKind kind) override;

private:
    SqliteStore(sqlite::Database db, int version) : db_(std::move(db)), schema_version_(version) {}
    sqlite::Database db_;
    int schema_version_;
};

}  // namespace mfa::daemon
