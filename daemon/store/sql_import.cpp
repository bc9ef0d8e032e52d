// SqlStore's imported factors (mfactl import) and HOTP resync.
#include "store/sql_audit.hpp"
#include "store/sql_store.hpp"

namespace mfa::daemon {
Result<ImportResult> SqlStore::import_factor(const FactorImport& import) {
    const NewFactor& factor = import.factor;
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto held = db_.prepare(
        "SELECT count(*), count(*) FILTER (WHERE f.kind = ?2 AND f.name = ?3) FROM factors f JOIN users u ON u.id = "
        "f.user_id WHERE u.name = ?1 AND f.state = 'active'");
    if (!held) return held.error();
    if (auto rc = held->bind(1, import.user).bind(2, factor.kind).bind(3, factor.name).step(); !rc) return rc.error();
    // Idempotent: a second run finds the first one's factor and changes nothing.
    if (held->int64(1) > 0) return ImportResult::already_imported;
    if (held->int64(0) > 0) return ImportResult::has_factors;
    if (!import.commit) return ImportResult::would_import;  // the transaction rolls back: nothing written

    auto user_id = ensure_user(import.user, import.now);
    if (!user_id) return user_id.error();
    // A pending enrollment of the same name would collide with the new row.
    auto pending = db_.prepare("DELETE FROM factors WHERE user_id = ?1 AND state = 'pending'");
    if (!pending) return pending.error();
    if (auto rc = pending->bind(1, *user_id).run(); !rc) return rc.error();
    auto put = db_.prepare(
        "INSERT INTO factors (user_id, kind, name, state, sealed_secret, created_at, confirmed_at, last_step, otp_digits, "
        "otp_period, otp_window) VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?5, ?6, ?7, ?8, ?9) RETURNING id");
    if (!put) return put.error();
    put->bind(1, *user_id).bind(2, factor.kind).bind(3, factor.name).bind(4, std::span<const std::uint8_t>(factor.sealed_secret));
    put->bind(5, import.now).bind(6, factor.last_step).bind(7, std::int64_t{factor.otp.digits});
    put->bind(8, std::int64_t{factor.otp.period}).bind(9, std::int64_t{factor.otp.window});
    if (auto rc = put->step(); !rc) return rc.error();
    std::int64_t factor_id = put->int64(0);
    if (auto rc = put->step(); !rc) return rc.error();  // RETURNING: the insert finishes on the last step
    // Enrolled from now on, like a confirmed enrollment: no grace, no disable.
    auto enrolled = db_.prepare(
        "UPDATE users SET disabled_until = 0, first_login_at = -1, grace_until = 0, primary_factor = ?2 WHERE id = ?1");
    if (!enrolled) return enrolled.error();
    if (auto rc = enrolled->bind(1, *user_id).bind(2, factor_id).run(); !rc) return rc.error();
    if (import.backup_codes)
        if (auto rc = put_backup_code_set(*user_id, *import.backup_codes, import.now); !rc) return rc.error();
    AuditEntry entry = import.audit;
    entry.event = "import";
    entry.user = import.user;
    entry.result = "ok";
    if (auto rc = append_audit_row(db_, seal_, entry, import.now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return ImportResult::imported;
}

Result<ResyncResult> SqlStore::resync_factor(std::string_view user, std::int64_t factor_id, std::int64_t counter,
                                                std::int64_t now, const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto move = db_.prepare(
        "UPDATE factors SET last_step = ?3 WHERE id = ?2 AND state = 'active' AND last_step < ?3 "
        "AND user_id = (SELECT id FROM users WHERE name = ?1) RETURNING name");
    if (!move) return move.error();
    auto row = move->bind(1, user).bind(2, factor_id).bind(3, counter).step();
    if (!row) return row.error();
    if (!*row) {
        auto exists = db_.prepare("SELECT count(*) FROM factors WHERE id = ?1 AND state = 'active'");
        if (!exists) return exists.error();
        if (auto rc = exists->bind(1, factor_id).step(); !rc) return rc.error();
        return exists->int64(0) > 0 ? ResyncResult::moved : ResyncResult::no_factor;
    }
    AuditEntry entry = audit;
    entry.event = "hotp_resync";
    entry.user = std::string(user);
    entry.result = "ok";
    entry.detail += std::string(entry.detail.empty() ? "" : " ") + "factor=" + move->text(0) + " counter=" + std::to_string(counter);
    if (auto rc = move->step(); !rc) return rc.error();
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return ResyncResult::resynced;
}

}  // namespace mfa::daemon
