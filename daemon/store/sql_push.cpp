// SqlStore::record_push: the end of a push, in one transaction with its
// effect on the lockout and on push fatigue.
#include "store/sql_audit.hpp"
#include "store/sql_store.hpp"

namespace mfa::daemon {
namespace {

const char* event_of(PushEnding ending) {
    switch (ending) {
        case PushEnding::approved: return "push_approved";
        case PushEnding::denied: return "push_denied";
        case PushEnding::not_me: return "push_fraud_reported";
        case PushEnding::expired:
        case PushEnding::cancelled: return "push_expired";
        case PushEnding::failed: return "push_failed";
    }
    return "push_expired";
}

const char* result_of(PushEnding ending) {
    switch (ending) {
        case PushEnding::approved: return "ok";
        case PushEnding::denied: return "fail";
        case PushEnding::not_me: return "locked";
        case PushEnding::expired: return "expired";
        case PushEnding::cancelled: return "cancelled";
        case PushEnding::failed: return "fail";
    }
    return "fail";
}

}  // namespace

Result<PushRecorded> SqlStore::record_push(const PushEnd& end) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto read = db_.prepare("SELECT id, failures, locked_until, push_misses, push_paused_until FROM users WHERE name = ?1");
    if (!read) return read.error();
    auto row = read->bind(1, end.user).step();
    if (!row) return row.error();
    if (!*row) return make_error("the user of a push is gone");
    std::int64_t user_id = read->int64(0);
    std::int64_t failures = read->int64(1);
    PushRecorded out{read->int64(2), read->int64(4), {}};
    std::int64_t misses = read->int64(3);

    bool answered_no = end.ending == PushEnding::denied || end.ending == PushEnding::not_me;
    bool newly_paused = false;
    if (end.ending == PushEnding::approved) {
        misses = 0;
    } else {
        // Only an approval spends the challenge; anything else frees the way for the next push.
        auto drop = db_.prepare("DELETE FROM challenges WHERE id = ?1 AND user_id = ?2");
        if (!drop) return drop.error();
        if (auto rc = drop->bind(1, end.challenge_id).bind(2, user_id).run(); !rc) return rc.error();
        bool missed = end.ending == PushEnding::denied || end.ending == PushEnding::expired || end.ending == PushEnding::cancelled;
        if (missed && ++misses >= end.max_unanswered) {
            misses = 0;
            out.paused_until = end.now + end.pause_seconds;
            newly_paused = true;
        }
    }
    bool newly_locked = false;
    if (end.ending == PushEnding::not_me || (answered_no && ++failures >= end.max_failures)) {
        out.locked_until = end.now + end.lock_seconds;
        failures = 0;  // the lock starts a fresh count for when it ends
        newly_locked = true;
    }
    auto update = db_.prepare(
        "UPDATE users SET failures = ?2, locked_until = ?3, push_misses = ?4, push_paused_until = ?5 WHERE id = ?1");
    if (!update) return update.error();
    update->bind(1, user_id).bind(2, failures).bind(3, out.locked_until).bind(4, misses).bind(5, out.paused_until);
    if (auto rc = update->run(); !rc) return rc.error();

    AuditEntry entry = end.audit;
    entry.user = end.user;
    entry.event = event_of(end.ending);
    entry.result = result_of(end.ending);
    std::vector<AuditEntry> rows{entry};
    if (newly_locked) rows.push_back(AuditEntry{"lockout", end.user, "locked", entry.service, entry.rhost, entry.peer_uid,
                                                "until=" + std::to_string(out.locked_until)});
    if (newly_paused)
        rows.push_back(AuditEntry{"push_paused", end.user, "paused", entry.service, entry.rhost, entry.peer_uid,
                                  "until=" + std::to_string(out.paused_until)});
    for (const auto& r : rows) {
        if (auto rc = append_audit_row(db_, seal_, r, end.now); !rc) return rc.error();
        out.audited.push_back(r);
    }
    if (auto rc = tx->commit(); !rc) return rc.error();
    return out;
}

}  // namespace mfa::daemon
