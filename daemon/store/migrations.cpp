#include "store/migrations.hpp"

#include <array>
#include <string_view>

#include "store/sqlite_store.hpp"

namespace mfa::daemon {
namespace {

// Step N takes the schema from version N to N+1. Never edit a shipped step: add one.
constexpr std::array<std::string_view, 3> kSteps = {
    R"sql(
CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE TABLE factors (
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('totp')),
    state         TEXT NOT NULL CHECK (state IN ('pending', 'active')),
    sealed_secret BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;
)sql",
    // 1 -> 2: the TOTP login: failure counter, lock, replay state, audit chain.
    R"sql(
ALTER TABLE users ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_verified_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE factors ADD COLUMN confirmed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE factors ADD COLUMN last_step INTEGER NOT NULL DEFAULT -1;
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    time      INTEGER NOT NULL,
    event     TEXT NOT NULL,
    user      TEXT NOT NULL,
    result    TEXT NOT NULL,
    service   TEXT NOT NULL,
    rhost     TEXT NOT NULL,
    peer_uid  INTEGER NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
);
CREATE INDEX audit_user_time ON audit (user, time);
)sql",
    // 2 -> 3: backup codes (salted hashes, one salt per set), the help desk's disable,
    // and the sealed head of the audit chain.
    R"sql(
CREATE TABLE backup_code_sets (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    salt       BLOB NOT NULL,
    iterations INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE backup_codes (
    user_id INTEGER NOT NULL REFERENCES backup_code_sets(user_id) ON DELETE CASCADE,
    slot    INTEGER NOT NULL,
    hash    BLOB NOT NULL,
    used_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, slot)
) WITHOUT ROWID;
ALTER TABLE users ADD COLUMN disabled_until INTEGER NOT NULL DEFAULT 0;
CREATE TABLE audit_head (
    one       INTEGER PRIMARY KEY CHECK (one = 1),
    last_id   INTEGER NOT NULL,
    last_hash BLOB NOT NULL,
    mac       BLOB NOT NULL
);
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(kSteps.size()); }

Result<int> migrate(sqlite::Database& db) {
    auto current = db.query_int("PRAGMA user_version");
    if (!current) return current.error();
    if (*current > latest_schema_version())
        return make_error("database schema " + std::to_string(*current) + " is newer than this mfad knows (" +
                          std::to_string(latest_schema_version()) + "); refusing to touch it");
    for (auto version = static_cast<int>(*current); version < latest_schema_version(); ++version) {
        auto tx = sqlite::Transaction::begin(db);
        if (!tx) return tx.error();
        if (auto rc = db.exec(std::string(kSteps[static_cast<std::size_t>(version)])); !rc) return rc.error();
        if (auto rc = db.exec("PRAGMA user_version = " + std::to_string(version + 1)); !rc) return rc.error();
        if (auto rc = tx->commit(); !rc) return rc.error();
    }
    return latest_schema_version();
}

}  // namespace mfa::daemon
