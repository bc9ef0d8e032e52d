#include "store/sql_audit.hpp"

#include <algorithm>
#include <limits>

#include "audit/audit_hash.hpp"

namespace mfa::daemon {
namespace {

struct ChainEnd {
    std::int64_t id = 0;
    std::vector<std::uint8_t> hash = std::vector<std::uint8_t>(32, 0);
};

// The sealed head if there is one, else the table's last row, else the start.
Result<ChainEnd> chain_end(sql::Connection& db) {
    for (const char* sql : {"SELECT last_id, last_hash FROM audit_head WHERE one = 1",
                            "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1"}) {
        auto end = db.prepare(sql);
        if (!end) return end.error();
        auto row = end->step();
        if (!row) return row.error();
        if (*row) return ChainEnd{end->int64(0), end->blob(1)};
    }
    return ChainEnd{};
}

Result<void> write_head(sql::Connection& db, const AuditSeal& seal, std::int64_t id, std::span<const std::uint8_t> hash) {
    auto mac = seal.seal(id, hash);
    if (!mac) return mac.error();
    auto put = db.prepare(
        "INSERT INTO audit_head (one, last_id, last_hash, mac) VALUES (1, ?1, ?2, ?3) "
        "ON CONFLICT (one) DO UPDATE SET last_id = ?1, last_hash = ?2, mac = ?3");
    if (!put) return put.error();
    return put->bind(1, id).bind(2, hash).bind(3, std::span<const std::uint8_t>(*mac)).run();
}

// The chain holds row by row; now its end must be the sealed head.
Result<AuditCheck> check_sealed_head(sql::Connection& db, const AuditSeal& seal, AuditCheck check, std::int64_t last_id,
                                                  const std::vector<std::uint8_t>& last_hash) {
    auto head = db.prepare("SELECT last_id, last_hash, mac FROM audit_head WHERE one = 1");
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
    if (!seal.holds(head_id, head_hash, head->blob(2))) {
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

}  // namespace

Result<void> append_audit_row(sql::Connection& db, const AuditSeal& seal, const AuditEntry& entry, std::int64_t now) {
    auto end = chain_end(db);
    if (!end) return end.error();
    std::int64_t id = end->id + 1;
    AuditHash hash = audit_row_hash(end->hash, id, now, entry);

    auto insert = db.prepare(
        "INSERT INTO audit (id, time, event, \"user\", result, service, rhost, peer_uid, detail, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    if (!insert) return insert.error();
    insert->bind(1, id)
        .bind(2, now)
        .bind(3, entry.event)
        .bind(4, entry.user)
        .bind(5, entry.result)
        .bind(6, entry.service)
        .bind(7, entry.rhost)
        .bind(8, static_cast<std::int64_t>(entry.peer_uid))
        .bind(9, entry.detail)
        .bind(10, std::span<const std::uint8_t>(end->hash))
        .bind(11, std::span<const std::uint8_t>(hash));
    if (auto rc = insert->run(); !rc) return rc;
    return write_head(db, seal, id, hash);
}

Result<void> seal_unsealed_audit_head(sql::Connection& db, const AuditSeal& seal) {
    auto sealed = db.query_int("SELECT count(*) FROM audit_head");
    if (!sealed) return sealed.error();
    if (*sealed != 0) return {};
    auto end = chain_end(db);
    if (!end) return end.error();
    if (end->id == 0) return {};
    return write_head(db, seal, end->id, end->hash);
}

// Read in pages of kAuditPage rows, each one short statement: a fleet's chain
// of millions of rows is never one result in memory, nor one statement that
// runs into PostgreSQL's statement_timeout. The caller's transaction (or
// snapshot) keeps the pages consistent.
constexpr std::int64_t kAuditPage = 1000;

Result<AuditCheck> verify_audit_rows(sql::Connection& db, const AuditSeal& seal) {
    AuditCheck check;
    std::vector<std::uint8_t> prev(32, 0);
    std::int64_t expected_id = 1;
    // From the lowest id there is: a row numbered 0 or below is no row of the
    // chain, and must not hide below the first page.
    std::int64_t from = std::numeric_limits<std::int64_t>::min();
    for (bool last_page = false; !last_page;) {
        auto rows = db.prepare("SELECT id, time, event, \"user\", result, service, rhost, peer_uid, detail, prev_hash, hash "
                               "FROM audit WHERE id >= ?1 ORDER BY id LIMIT ?2");
        if (!rows) return rows.error();
        rows->bind(1, from).bind(2, kAuditPage);
        std::int64_t in_page = 0;
        bool at_the_top = false;  // a row with the largest id: nothing can follow it (and it broke the chain)
        for (;;) {
            auto row = rows->step();
            if (!row) return row.error();
            if (!*row) break;
            ++in_page;
            ++check.rows;
            std::int64_t id = rows->int64(0);
            AuditEntry e{rows->text(2), rows->text(3), rows->text(4), rows->text(5), rows->text(6),
                         static_cast<std::uint32_t>(rows->int64(7)), rows->text(8)};
            auto hash = audit_row_hash(prev, id, rows->int64(1), e);
            std::string reason;
            if (id < 1) reason = "a row numbered " + std::to_string(id) + " stands before the chain";
            else if (id != expected_id) reason = "rows are missing before it";
            else if (rows->blob(9) != prev) reason = "it does not link to the row before";
            else if (rows->blob(10) != std::vector<std::uint8_t>(hash.begin(), hash.end())) reason = "its contents were changed";
            if (!reason.empty() && check.broken_id == 0) {
                check.broken_id = static_cast<std::uint64_t>(std::max<std::int64_t>(id, 1));
                check.reason = reason;
            }
            prev = rows->blob(10);
            at_the_top = id == std::numeric_limits<std::int64_t>::max();
            if (at_the_top) break;
            expected_id = id + 1;
            from = id + 1;
        }
        last_page = in_page < kAuditPage || at_the_top;
    }
    if (check.broken_id == 0) return check_sealed_head(db, seal, check, expected_id - 1, prev);
    return check;
}

}  // namespace mfa::daemon
