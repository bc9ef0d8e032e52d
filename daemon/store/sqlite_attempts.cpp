// SqliteStore::record_attempt: the one place that decides a login attempt.
#include "store/sqlite_audit.hpp"
#include "store/sqlite_store.hpp"

namespace mfa::daemon {
namespace {

const char* result_name(AttemptResult r) {
    switch (r) {
        case AttemptResult::accepted: return "ok";
        case AttemptResult::rejected: return "fail";
        case AttemptResult::replayed: return "replay";
        case AttemptResult::locked: return "locked";
        case AttemptResult::factor_changed: return "factor_changed";
    }
    return "fail";
}

}  // namespace

Result<void> SqliteStore::fail_attempt(const Attempt& a, std::int64_t user_id, AttemptOutcome& out) {
    out.failures += 1;
    if (out.failures >= a.max_failures) {
        out.locked_until = a.now + a.lock_seconds;
        out.failures = 0;  // the lock starts a fresh count for when it ends
    }
    auto count = db_.prepare("UPDATE users SET failures = ?2, locked_until = ?3 WHERE id = ?1");
    if (!count) return count.error();
    return count->bind(1, user_id).bind(2, out.failures).bind(3, out.locked_until).run();
}

// The factor BEGIN read is gone (reset, or reset and enrolled anew): the
// pending login is denied, and the row says why.
Result<AttemptOutcome> SqliteStore::factor_changed(const Attempt& a, sqlite::Transaction& tx) {
    AttemptOutcome out{AttemptResult::factor_changed, 0, 0, false, 0, {}};
    AuditEntry entry = a.audit;
    entry.user = a.user;
    entry.event = "verify_fail";
    entry.result = result_name(out.result);
    if (auto rc = append_audit_row(db_, seal_, entry, a.now); !rc) return rc.error();
    if (auto rc = tx.commit(); !rc) return rc.error();
    out.audited.push_back(entry);
    return out;
}

Result<AttemptOutcome> SqliteStore::record_attempt(const Attempt& a) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto read = db_.prepare(
        "SELECT u.id, u.failures, u.locked_until, f.last_step FROM users u JOIN factors f "
        "ON f.user_id = u.id AND f.kind = 'totp' AND f.state = 'active' AND f.sealed_secret = ?2 WHERE u.name = ?1");
    if (!read) return read.error();
    auto row = read->bind(1, a.user).bind(2, std::span<const std::uint8_t>(a.factor)).step();
    if (!row) return row.error();
    if (!*row) return factor_changed(a, *tx);
    std::int64_t user_id = read->int64(0);
    AttemptOutcome out{AttemptResult::rejected, static_cast<int>(read->int64(1)), read->int64(2), false, 0, {}};
    std::int64_t last_step = read->int64(3);

    auto backup = BackupUse::no_match;
    if (out.locked_until > a.now) {
        // The same answer whether the code was right or wrong, and nothing counted.
        out.result = AttemptResult::locked;
    } else if (a.matched_step && *a.matched_step > last_step) {
        auto use = db_.prepare(
            "UPDATE factors SET last_step = ?2 WHERE user_id = ?1 AND kind = 'totp' AND last_step < ?2");
        if (!use) return use.error();
        if (auto rc = use->bind(1, user_id).bind(2, *a.matched_step).run(); !rc) return rc.error();
        if (sqlite3_changes(db_.handle()) != 1) return make_error("replay guard changed under a write lock");
        out.result = AttemptResult::accepted;
    } else if (!a.matched_step && a.backup_hash) {
        auto used = use_backup_code(user_id, *a.backup_hash, a.now);
        if (!used) return used.error();
        backup = *used;
        if (backup == BackupUse::used) out.result = AttemptResult::accepted;
    }

    if (out.result == AttemptResult::accepted) {
        auto reset = db_.prepare("UPDATE users SET failures = 0, locked_until = 0, last_verified_at = ?2 WHERE id = ?1");
        if (!reset) return reset.error();
        if (auto rc = reset->bind(1, user_id).bind(2, a.now).run(); !rc) return rc.error();
        out.failures = 0;
        out.locked_until = 0;
    } else if (out.result != AttemptResult::locked) {
        out.result = a.matched_step || backup == BackupUse::already_used ? AttemptResult::replayed : AttemptResult::rejected;
        if (auto rc = fail_attempt(a, user_id, out); !rc) return rc.error();
    }
    out.by_backup_code = backup == BackupUse::used;
    if (a.backup_hash) {
        auto left = unused_backup_codes(user_id);
        if (!left) return left.error();
        out.backup_remaining = *left;
    }

    AuditEntry entry = a.audit;
    entry.user = a.user;
    entry.event = out.result == AttemptResult::accepted ? "verify_ok" : "verify_fail";
    entry.result = result_name(out.result);
    if (a.backup_hash) entry.detail = "factor=backup_code";
    if (out.by_backup_code) {
        entry.event = "backup_code_used";
        entry.detail += " remaining=" + std::to_string(out.backup_remaining);
    }
    if (auto rc = append_audit_row(db_, seal_, entry, a.now); !rc) return rc.error();
    out.audited.push_back(entry);
    if (out.result != AttemptResult::locked && out.locked_until > a.now) {
        entry.event = "lockout";
        entry.result = "locked";
        entry.detail = "until=" + std::to_string(out.locked_until);
        if (auto rc = append_audit_row(db_, seal_, entry, a.now); !rc) return rc.error();
        out.audited.push_back(entry);
    }
    if (auto rc = tx->commit(); !rc) return rc.error();
    return out;
}

}  // namespace mfa::daemon
