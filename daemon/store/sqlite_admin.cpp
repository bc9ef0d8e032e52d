// SqliteStore's administration: unlock, reset, and the audit chain check.
#include "audit/audit_hash.hpp"
#include "store/sqlite_audit.hpp"
#include "store/sqlite_store.hpp"

namespace mfa::daemon {

Result<AdminOutcome> SqliteStore::admin_action(std::string_view user, AdminActionKind kind, std::int64_t now,
                                               const AuditEntry& audit) {
    auto tx = sqlite::Transaction::begin(db_);
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
        for (const char* sql : {"DELETE FROM factors WHERE user_id = ?1", "DELETE FROM backup_code_sets WHERE user_id = ?1",
                                "UPDATE users SET disabled_until = 0 WHERE id = ?1 AND disabled_until != 0"}) {
            auto drop = db_.prepare(sql);
            if (!drop) return drop.error();
            if (auto rc = drop->bind(1, id).run(); !rc) return rc.error();
            changed = changed || sqlite3_changes(db_.handle()) > 0;
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

Result<std::vector<AuditRow>> SqliteStore::list_audit(std::int64_t after_id, const AuditFilter& filter, int limit) {
    auto rows = db_.prepare(
        "SELECT id, time, event, user, result, service, rhost, peer_uid, detail FROM audit "
        "WHERE id > ?1 AND time >= ?2 AND (?3 = '' OR user = ?3) AND (?4 = '' OR event = ?4) ORDER BY id LIMIT ?5");
    if (!rows) return rows.error();
    rows->bind(1, after_id).bind(2, filter.since).bind(3, filter.user).bind(4, filter.event).bind(5, std::int64_t{limit});
    std::vector<AuditRow> out;
    for (;;) {
        auto more = rows->step();
        if (!more) return more.error();
        if (!*more) return out;
        out.push_back(AuditRow{rows->int64(0), rows->int64(1),
                               AuditEntry{rows->text(2), rows->text(3), rows->text(4), rows->text(5), rows->text(6),
                                          static_cast<std::uint32_t>(rows->int64(7)), rows->text(8)}});
    }
}

Result<AuditCheck> SqliteStore::verify_audit_chain() {
    auto rows = db_.prepare("SELECT id, time, event, user, result, service, rhost, peer_uid, detail, prev_hash, hash "
                            "FROM audit ORDER BY id");
    if (!rows) return rows.error();
    AuditCheck check;
    std::vector<std::uint8_t> prev(32, 0);
    std::int64_t expected_id = 1;
    for (;;) {
        auto more = rows->step();
        if (!more) return more.error();
        if (!*more) break;
        ++check.rows;
        std::int64_t id = rows->int64(0);
        AuditEntry e{rows->text(2), rows->text(3), rows->text(4), rows->text(5), rows->text(6),
                     static_cast<std::uint32_t>(rows->int64(7)), rows->text(8)};
        auto hash = audit_row_hash(prev, id, rows->int64(1), e);
        const char* reason = nullptr;
        if (id != expected_id) reason = "rows are missing before it";
        else if (rows->blob(9) != prev) reason = "it does not link to the row before";
        else if (rows->blob(10) != std::vector<std::uint8_t>(hash.begin(), hash.end())) reason = "its contents were changed";
        if (reason != nullptr && check.broken_id == 0) {
            check.broken_id = static_cast<std::uint64_t>(id);
            check.reason = reason;
        }
        prev = rows->blob(10);
        expected_id = id + 1;
    }
    if (check.broken_id == 0) return check_sealed_head(check, expected_id - 1, prev);
    return check;
}

// The chain holds row by row; now its end must be the sealed head.
Result<AuditCheck> SqliteStore::check_sealed_head(AuditCheck check, std::int64_t last_id,
                                                  const std::vector<std::uint8_t>& last_hash) {
    auto head = db_.prepare("SELECT last_id, last_hash, mac FROM audit_head WHERE one = 1");
    if (!head) return head.error();
    auto row = head->step();
    if (!row) return row.error();
    if (!*row) {
        if (check.rows == 0) return check;
        check.broken_id = static_cast<std::uint64_t>(last_id);
        check.reason = "the sealed head of the chain is missing";
        return check;
    }
    std::int64_t head_id = head->int64(0);
    auto head_hash = head->blob(1);
    if (!seal_.holds(head_id, head_hash, head->blob(2))) {
        check.broken_id = static_cast<std::uint64_t>(std::max<std::int64_t>(head_id, 1));
        check.reason = "the sealed head was forged";
    } else if (head_id > last_id) {
        check.broken_id = static_cast<std::uint64_t>(last_id + 1);
        check.reason = "it and the rows up to " + std::to_string(head_id) + " were deleted";
    } else if (head_id < last_id) {
        check.broken_id = static_cast<std::uint64_t>(head_id + 1);
        check.reason = "it was added after the sealed head, outside mfad";
    } else if (head_hash != last_hash) {
        check.broken_id = static_cast<std::uint64_t>(head_id);
        check.reason = "the chain was rewritten: it no longer ends in the sealed head";
    }
    return check;
}

}  // namespace mfa::daemon
