#include "store/migrations.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "store/sqlite_store.hpp"

namespace mfa::daemon {
namespace {

// Step N takes the schema from version N to N+1. Never edit a shipped step: add one.
constexpr std::array<std::string_view, 8> kSteps = {
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
    // 3 -> 4: several named factors per user (the one authenticator so far is
    // "app", unchanged: same sealed secret, same replay guard), the
    // primary factor, codes sent by SMS, and the sends that caps count.
    R"sql(
CREATE TABLE factors_v4 (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'active')),
    sealed_secret BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    confirmed_at  INTEGER NOT NULL DEFAULT 0,
    last_step     INTEGER NOT NULL DEFAULT -1,
    last_used_at  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, name)
);
INSERT INTO factors_v4 (user_id, kind, name, state, sealed_secret, created_at, confirmed_at, last_step, last_used_at)
    SELECT f.user_id, f.kind, 'app', f.state, f.sealed_secret, f.created_at, f.confirmed_at, f.last_step,
           CASE WHEN f.state = 'active' THEN u.last_verified_at ELSE 0 END
    FROM factors f JOIN users u ON u.id = f.user_id;
DROP TABLE factors;
ALTER TABLE factors_v4 RENAME TO factors;
ALTER TABLE users ADD COLUMN primary_factor INTEGER NOT NULL DEFAULT 0;
UPDATE users SET primary_factor = coalesce((SELECT id FROM factors WHERE user_id = users.id AND state = 'active'), 0);
CREATE TABLE challenges (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    factor_id  INTEGER NOT NULL REFERENCES factors(id) ON DELETE CASCADE,
    code_hash  BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    tries_left INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX challenges_factor ON challenges (factor_id);
CREATE TABLE sends (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    channel     TEXT NOT NULL,
    destination BLOB NOT NULL,
    verified    INTEGER NOT NULL,
    time        INTEGER NOT NULL
);
CREATE INDEX sends_user_time ON sends (user_id, time);
CREATE INDEX sends_destination_time ON sends (destination, time);
CREATE INDEX sends_time ON sends (time);
)sql",
    // 4 -> 5: enrollment at login (when the grace began, -1 for a user who
    // has had a factor and so gets none; an admin's grace; the enrollment a
    // recovery owes), the recovery email (sealed; a pending
    // one waits beside the active one until confirmed), and the codes sent by
    // email (only their keyed hash).
    R"sql(
ALTER TABLE users ADD COLUMN first_login_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN grace_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN enroll_by INTEGER NOT NULL DEFAULT 0;
CREATE TABLE recovery_emails (
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    state          TEXT NOT NULL CHECK (state IN ('pending', 'active')),
    sealed_address BLOB NOT NULL,
    created_at     INTEGER NOT NULL,
    confirmed_at   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, state)
) WITHOUT ROWID;
CREATE TABLE mail_codes (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify', 'recover')),
    code_hash  BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    tries_left INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, purpose)
) WITHOUT ROWID;
UPDATE users SET first_login_at = -1
    WHERE disabled_until != 0 OR EXISTS (SELECT 1 FROM factors WHERE user_id = users.id AND state = 'active');
)sql",
    // 5 -> 6: HOTP tokens and imported authenticators keep their own digits,
    // period and window (0, -1: the config's, as for every factor before).
    R"sql(
ALTER TABLE factors ADD COLUMN otp_digits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE factors ADD COLUMN otp_period INTEGER NOT NULL DEFAULT 0;
ALTER TABLE factors ADD COLUMN otp_window INTEGER NOT NULL DEFAULT -1;
)sql",
    // 6 -> 7: a key rotation under way (mfactl admin rekey): which keys, and
    // how far it got.
    R"sql(
CREATE TABLE key_rotation (
    one         INTEGER PRIMARY KEY CHECK (one = 1),
    old_key_id  BLOB NOT NULL,
    new_key_id  BLOB NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL DEFAULT 0,
    resealed    INTEGER NOT NULL DEFAULT 0
);
)sql",
    // 7 -> 8: push fatigue: unanswered or denied pushes in a row, and until
    // when push is paused after too many.
    R"sql(
ALTER TABLE users ADD COLUMN push_misses INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN push_paused_until INTEGER NOT NULL DEFAULT 0;
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(kSteps.size()); }

Result<int> migrate(sqlite::Database& db, int target) {
    if (target < 0 || target > latest_schema_version()) target = latest_schema_version();
    auto current = db.query_int("PRAGMA user_version");
    if (!current) return current.error();
    if (*current > latest_schema_version())
        return make_error("database schema " + std::to_string(*current) + " is newer than this mfad knows (" +
                          std::to_string(latest_schema_version()) + "); refusing to touch it");
    for (auto version = static_cast<int>(*current); version < target; ++version) {
        auto tx = sql::Transaction::begin(db);
        if (!tx) return tx.error();
        if (auto rc = db.exec(std::string(kSteps[static_cast<std::size_t>(version)])); !rc) return rc.error();
        if (auto rc = db.exec("PRAGMA user_version = " + std::to_string(version + 1)); !rc) return rc.error();
        if (auto rc = tx->commit(); !rc) return rc.error();
    }
    return std::max(target, static_cast<int>(*current));
}

}  // namespace mfa::daemon
