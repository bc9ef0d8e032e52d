// SqlStore's administration: unlock, reset, the audit listing and the chain check.
#include <limits>

#include "audit/audit_hash.hpp"
#include "store/sql_audit.hpp"
#include "store/sql_store.hpp"

namespace mfa::daemon {

Result<AdminOutcome> SqlStore::admin_action(std::string_view user, AdminActionKind kind, std::int64_t now,
                                               const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto find = db_.prepare("SELECT id, failures, locked_until FROM users WHERE name = ?1");
    if (!find) return find.error();
    auto row = find->bind(1, user).step();
    if (!row) return row.error();
    if (!*row) return AdminOutcome{false, false};
    std::int64_t id = find->int64(0);
    bool changed = find->int64(1) != 0 || find->int64(2) > now;

    auto clear = db_.prepare("UPDATE users SET failures = 0, locked_until = 0 WHERE id = ?1");
    if (!clear) return clear.error();
    if (auto rc = clear->bind(1, id).run(); !rc) return rc.error();
    if (kind == AdminActionKind::reset) {
        // Everything that could log the user in or reset MFA, a recovery address included.
        for (const char* sql : {"DELETE FROM factors WHERE user_id = ?1", "DELETE FROM backup_code_sets WHERE user_id = ?1",
                                "DELETE FROM recovery_emails WHERE user_id = ?1", "DELETE FROM mail_codes WHERE user_id = ?1",
                                "UPDATE users SET disabled_until = 0 WHERE id = ?1 AND disabled_until != 0"}) {
            auto drop = db_.prepare(sql);
            if (!drop) return drop.error();
            if (auto rc = drop->bind(1, id).run(); !rc) return rc.error();
            changed = changed || db_.changes() > 0;
        }
    }
    AuditEntry entry = audit;
    entry.event = kind == AdminActionKind::reset ? "reset" : "unlock";
    entry.user = std::string(user);
    entry.result = changed ? "ok" : "unchanged";
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return AdminOutcome{true, changed};
}

Result<AuditSlice> SqlStore::list_audit(std::int64_t after_id, const AuditFilter& filter, int limit) {
    // Rows are looked at in id ranges of kAuditScanRows, so a filter that
    // matches little never walks the whole table in one request.
    std::int64_t scan_end = after_id > std::numeric_limits<std::int64_t>::max() - kAuditScanRows
                                ? std::numeric_limits<std::int64_t>::max()
                                : after_id + kAuditScanRows;
    auto rows = db_.prepare(
        "SELECT id, time, event, \"user\", result, service, rhost, peer_uid, detail FROM audit "
        "WHERE id > ?1 AND id <= ?6 AND time >= ?2 AND (?3 = '' OR \"user\" = ?3) AND (?4 = '' OR event = ?4) "
        "ORDER BY id LIMIT ?5");
    if (!rows) return rows.error();
    rows->bind(1, after_id).bind(2, filter.since).bind(3, filter.user).bind(4, filter.event).bind(5, std::int64_t{limit})
        .bind(6, scan_end);
    AuditSlice slice;
    for (;;) {
        auto more = rows->step();
        if (!more) return more.error();
        if (!*more) break;
        slice.rows.push_back(AuditRow{rows->int64(0), rows->int64(1),
                                      AuditEntry{rows->text(2), rows->text(3), rows->text(4), rows->text(5), rows->text(6),
                                                 static_cast<std::uint32_t>(rows->int64(7)), rows->text(8)}});
    }
    if (slice.rows.size() == static_cast<std::size_t>(limit)) {
        slice.next_after_id = slice.rows.back().id;
        return slice;
    }
    auto last = db_.query_int("SELECT coalesce(max(id), 0) FROM audit");
    if (!last) return last.error();
    slice.next_after_id = *last > scan_end ? scan_end : 0;
    return slice;
}

Result<StoreCopy> SqlStore::copy_into(SqlStore& target, bool commit, const AuditEntry& arrival, const AuditEntry& leaving,
                                     std::int64_t now, TargetCommit& target_commit) {
    target_commit = TargetCommit::no;
    auto tx = sql::Transaction::begin(db_);  // no change here while the rows are read
    if (!tx) return tx.error();
    // A chain edited here (and its head re-sealed by the next append) must not
    // become the fleet's as if it held.
    auto here = verify_audit_rows(db_, seal_);
    if (!here) return here.error();
    if (here->broken_id != 0)
        return make_error("this host's audit chain is broken at row " + std::to_string(here->broken_id) + " (" +
                          here->reason + "): nothing was copied");
    auto target_tx = sql::Transaction::begin(target.db_);
    if (!target_tx) return target_tx.error();
    auto copy = copy_store(db_, target.db_, target.seal_, arrival, now);
    if (!copy) return copy.error();
    if (copy->arrived.broken_id != 0)
        return make_error("the audit chain does not hold in the copy, at row " + std::to_string(copy->arrived.broken_id) +
                          ": " + copy->arrived.reason);
    if (!commit) return copy;  // both roll back
    // Recorded here first: if the target's commit fails, this rolls back too.
    if (auto rc = append_audit_row(db_, seal_, leaving, now); !rc) return rc.error();
    if (auto rc = mark_moved(); !rc) return rc.error();
    if (auto rc = target_tx->commit(); !rc) {
        if (!rc.error().outage) return rc.error();
        // The server may have committed: this file stays marked as moved, so
        // no restart serves it while the fleet may hold its rows.
        target_commit = TargetCommit::unknown;
        if (auto kept = tx->commit(); !kept) return kept.error();
        return rc.error();
    }
    target_commit = TargetCommit::yes;
    if (auto rc = tx->commit(); !rc) return rc.error();
    return copy;
}

Result<AuditCheck> SqlStore::verify_audit_chain() {
    auto snapshot = sql::ReadSnapshot::begin(db_);  // or a row appended meanwhile would look like a forgery
    if (!snapshot) return snapshot.error();
    return verify_audit_rows(db_, seal_);
}

}  // namespace mfa::daemon
