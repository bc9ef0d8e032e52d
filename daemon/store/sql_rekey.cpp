// SqlStore's key rotation: the rotation's row, and re-sealing in batches.
#include "store/sql_audit.hpp"
#include "store/sql_store.hpp"

namespace mfa::daemon {
namespace {

// Blobs whose key id (bytes 2-9, after the format byte) is not the primary's (?1).
std::string other_key(const std::string& column) { return "substr(" + column + ", 2, 8) != ?1"; }

}  // namespace

Result<std::optional<KeyRotation>> SqlStore::key_rotation() {
    auto row = db_.prepare("SELECT old_key_id, new_key_id, started_at, finished_at, resealed FROM key_rotation");
    if (!row) return row.error();
    auto found = row->step();
    if (!found) return found.error();
    if (!*found) return std::optional<KeyRotation>();
    return std::optional<KeyRotation>(KeyRotation{row->blob(0), row->blob(1), row->int64(2), row->int64(3), row->int64(4)});
}

Result<void> SqlStore::begin_key_rotation(const KeyRotation& rotation, const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    // A finished rotation's row gives way; an unfinished one never does.
    auto put = db_.prepare(
        "INSERT INTO key_rotation (one, old_key_id, new_key_id, started_at) VALUES (1, ?1, ?2, ?3) "
        "ON CONFLICT (one) DO UPDATE SET old_key_id = ?1, new_key_id = ?2, started_at = ?3, finished_at = 0, resealed = 0 "
        "WHERE finished_at != 0");
    if (!put) return put.error();
    put->bind(1, std::span<const std::uint8_t>(rotation.old_key_id)).bind(2, std::span<const std::uint8_t>(rotation.new_key_id));
    if (auto rc = put->bind(3, rotation.started_at).run(); !rc) return rc.error();
    if (db_.changes() != 1) return make_error("another key rotation is unfinished");
    if (auto rc = append_audit_row(db_, seal_, audit, rotation.started_at); !rc) return rc.error();
    return tx->commit();
}

Result<std::int64_t> SqlStore::reseal_column(const SealedColumn& column, const Resealer& resealer, int limit) {
    auto rows = db_.prepare(column.select + " WHERE " + other_key(column.blob) + " LIMIT ?2");
    auto put = db_.prepare(column.update);
    if (!rows) return rows.error();
    if (!put) return put.error();
    rows->bind(1, std::span<const std::uint8_t>(resealer.primary_id)).bind(2, std::int64_t{limit});
    std::int64_t done = 0;
    for (;;) {
        auto more = rows->step();
        if (!more) return more.error();
        if (!*more) break;
        std::string kind = rows->text(3);
        auto old = rows->blob(4);
        std::string_view field = column.field(resealer, kind);
        if (field.empty()) return make_error(column.what + " of a kind this mfad cannot open: " + kind);
        auto sealed = resealer.reseal(rows->text(2), field, old);
        if (!sealed) return make_error(column.what + " of " + rows->text(2) + ": " + sealed.error().message);
        put->reset();
        put->bind(1, rows->int64(0)).bind(2, rows->text(1)).bind(3, std::span<const std::uint8_t>(*sealed));
        put->bind(4, std::span<const std::uint8_t>(old));
        if (auto rc = put->run(); !rc) return rc.error();
        ++done;
    }
    return done;
}

Result<ResealProgress> SqlStore::reseal_batch(const Resealer& resealer, int limit, std::int64_t now,
                                                 const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    // (key, second key, user, kind, blob); updated by (?1, ?2) with ?3 if still ?4.
    const SealedColumn factor_secrets{
        "SELECT f.id, f.kind, u.name, f.kind, f.sealed_secret FROM factors f JOIN users u ON u.id = f.user_id",
        "UPDATE factors SET sealed_secret = ?3 WHERE id = ?1 AND kind = ?2 AND sealed_secret = ?4", "f.sealed_secret",
        "a factor", [](const Resealer& r, std::string_view kind) { return r.factor_field(kind); }};
    const SealedColumn recovery_addresses{
        "SELECT r.user_id, r.state, u.name, '', r.sealed_address FROM recovery_emails r JOIN users u ON u.id = r.user_id",
        "UPDATE recovery_emails SET sealed_address = ?3 WHERE user_id = ?1 AND state = ?2 AND sealed_address = ?4",
        "r.sealed_address", "the recovery address", [](const Resealer& r, std::string_view) { return r.recovery_email_field; }};
    auto factors = reseal_column(factor_secrets, resealer, limit);
    if (!factors) return factors.error();
    auto emails = reseal_column(recovery_addresses, resealer, limit);
    if (!emails) return emails.error();
    ResealProgress progress{*factors + *emails, 0};
    auto left = db_.prepare("SELECT (SELECT count(*) FROM factors WHERE " + other_key("sealed_secret") +
                            ") + (SELECT count(*) FROM recovery_emails WHERE " + other_key("sealed_address") + ")");
    if (!left) return left.error();
    if (auto rc = left->bind(1, std::span<const std::uint8_t>(resealer.primary_id)).step(); !rc) return rc.error();
    progress.remaining = left->int64(0);
    auto count = db_.prepare("UPDATE key_rotation SET resealed = resealed + ?1 WHERE finished_at = 0 RETURNING resealed");
    if (!count) return count.error();
    auto counted = count->bind(1, progress.resealed).step();
    if (!counted) return counted.error();
    if (!*counted) return make_error("no key rotation is under way");
    std::int64_t total = count->int64(0);
    if (auto rc = count->step(); !rc) return rc.error();
    if (progress.remaining == 0) {
        // Nothing needs the old key now; the audit row below seals the chain's
        // head with the new key.
        auto finish = db_.prepare("UPDATE key_rotation SET finished_at = ?1 WHERE finished_at = 0");
        if (!finish) return finish.error();
        if (auto rc = finish->bind(1, now).run(); !rc) return rc.error();
        AuditEntry entry = audit;
        entry.event = "rekey_done";
        entry.result = "ok";
        entry.detail += std::string(entry.detail.empty() ? "" : " ") + "resealed=" + std::to_string(total);
        if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    }
    if (auto rc = tx->commit(); !rc) return rc.error();
    return progress;
}

Result<void> SqlStore::forget_key_rotation() { return db_.exec("DELETE FROM key_rotation"); }

void SqlStore::use_keys(const KeyRing& keys) {
    seal_ = AuditSeal(keys);
    reader_seal_ = std::make_shared<const AuditSeal>(keys);
}

}  // namespace mfa::daemon
