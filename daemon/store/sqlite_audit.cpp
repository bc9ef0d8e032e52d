#include "store/sqlite_audit.hpp"

#include "audit/audit_hash.hpp"

namespace mfa::daemon {

Result<void> append_audit_row(sqlite::Database& db, const AuditEntry& entry, std::int64_t now) {
    auto last = db.prepare("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    if (!last) return last.error();
    auto row = last->step();
    if (!row) return row.error();
    std::int64_t id = *row ? last->int64(0) + 1 : 1;
    std::vector<std::uint8_t> prev = *row ? last->blob(1) : std::vector<std::uint8_t>(32, 0);
    AuditHash hash = audit_row_hash(prev, id, now, entry);

    auto insert = db.prepare(
        "INSERT INTO audit (id, time, event, user, result, service, rhost, peer_uid, detail, prev_hash, hash) "
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
        .bind(10, std::span<const std::uint8_t>(prev))
        .bind(11, std::span<const std::uint8_t>(hash));
    return insert->run();
}

}  // namespace mfa::daemon
