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
    }
    return "fail";
}

}  // namespace

Result<AttemptOutcome> SqliteStore::record_attempt(const Attempt& a) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto read = db_.prepare(
        "SELECT u.id, u.failures, u.locked_until, f.last_step FROM users u JOIN factors f "
        "ON f.user_id = u.id AND f.kind = 'totp' AND f.state = 'active' WHERE u.name = ?1");
    if (!read) return read.error();
    auto row = read->bind(1, a.user).step();
    if (!row) return row.error();
    if (!*row) return make_error("no active factor for this user");
    std::int64_t user_id = read->int64(0);
    AttemptOutcome out{AttemptResult::rejected, static_cast<int>(read->int64(1)), read->int64(2), {}};
    std::int64_t last_step = read->int64(3);

    AuditEntry entry = a.audit;
    entry.user = a.user;
    if (out.locked_until > a.now) {
        // The same answer whether the code was right or wrong, and nothing counted.
        out.result = AttemptResult::locked;
    } else if (a.matched_step && *a.matched_step > last_step) {
        auto use = db_.prepare(
            "UPDATE factors SET last_step = ?2 WHERE user_id = ?1 AND kind = 'totp' AND last_step < ?2");
        auto reset = db_.prepare("UPDATE users SET failures = 0, locked_until = 0, last_verified_at = ?2 WHERE id = ?1");
        if (!use) return use.error();
        if (!reset) return reset.error();
        if (auto rc = use->bind(1, user_id).bind(2, *a.matched_step).run(); !rc) return rc.error();
        if (sqlite3_changes(db_.handle()) != 1) return make_error("replay guard changed under a write lock");
        if (auto rc = reset->bind(1, user_id).bind(2, a.now).run(); !rc) return rc.error();
        out = {AttemptResult::accepted, 0, 0, {}};
    } else {
        out.result = a.matched_step ? AttemptResult::replayed : AttemptResult::rejected;
        out.failures += 1;
        if (out.failures >= a.max_failures) {
            out.locked_until = a.now + a.lock_seconds;
            out.failures = 0;  // the lock starts a fresh count for when it ends
        }
        auto count = db_.prepare("UPDATE users SET failures = ?2, locked_until = ?3 WHERE id = ?1");
        if (!count) return count.error();
        if (auto rc = count->bind(1, user_id).bind(2, out.failures).bind(3, out.locked_until).run(); !rc)
            return rc.error();
    }

    entry.event = out.result == AttemptResult::accepted ? "verify_ok" : "verify_fail";
    entry.result = result_name(out.result);
    if (auto rc = append_audit_row(db_, entry, a.now); !rc) return rc.error();
    out.audited.push_back(entry);
    if (out.result != AttemptResult::locked && out.locked_until > a.now) {
        entry.event = "lockout";
        entry.result = "locked";
        entry.detail = "until=" + std::to_string(out.locked_until);
        if (auto rc = append_audit_row(db_, entry, a.now); !rc) return rc.error();
        out.audited.push_back(entry);
    }
    if (auto rc = tx->commit(); !rc) return rc.error();
    return out;
}

}  // namespace mfa::daemon
