// SqlStore's backup codes: replace a set, and spend one code exactly once.
#include <openssl/crypto.h>

#include "store/sql_audit.hpp"
#include "store/sql_store.hpp"

namespace mfa::daemon {

Result<BackupCodesOutcome> SqlStore::replace_backup_codes(std::string_view user, const BackupCodeSet& set,
                                                             std::int64_t now, const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto find = db_.prepare(
        "SELECT u.id FROM users u JOIN factors f ON f.user_id = u.id AND f.state = 'active' "
        "WHERE u.name = ?1 LIMIT 1");
    if (!find) return find.error();
    auto row = find->bind(1, user).step();
    if (!row) return row.error();
    if (!*row) return BackupCodesOutcome{BackupCodesStored::no_active_factor, 0};
    std::int64_t user_id = find->int64(0);

    auto voided = unused_backup_codes(user_id);
    if (!voided) return voided.error();
    if (auto rc = put_backup_code_set(user_id, set, now); !rc) return rc.error();
    AuditEntry entry = audit;
    entry.event = "backup_codes_generate";
    entry.user = std::string(user);
    entry.result = "ok";
    entry.detail = "count=" + std::to_string(set.hashes.size()) + " voided=" + std::to_string(*voided);
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return BackupCodesOutcome{BackupCodesStored::stored, *voided};
}

Result<void> SqlStore::put_backup_code_set(std::int64_t user_id, const BackupCodeSet& set, std::int64_t now) {
    // The old set goes with its codes (ON DELETE CASCADE).
    auto drop = db_.prepare("DELETE FROM backup_code_sets WHERE user_id = ?1");
    auto add_set = db_.prepare("INSERT INTO backup_code_sets (user_id, salt, iterations, created_at) VALUES (?1, ?2, ?3, ?4)");
    auto add_code = db_.prepare("INSERT INTO backup_codes (user_id, slot, hash) VALUES (?1, ?2, ?3)");
    if (!drop) return drop.error();
    if (!add_set) return add_set.error();
    if (!add_code) return add_code.error();
    if (auto rc = drop->bind(1, user_id).run(); !rc) return rc.error();
    add_set->bind(1, user_id).bind(2, std::span<const std::uint8_t>(set.salt.salt)).bind(3, std::int64_t{set.salt.iterations});
    if (auto rc = add_set->bind(4, now).run(); !rc) return rc.error();
    for (std::size_t slot = 0; slot < set.hashes.size(); ++slot) {
        add_code->reset();
        add_code->bind(1, user_id).bind(2, static_cast<std::int64_t>(slot)).bind(3, std::span<const std::uint8_t>(set.hashes[slot]));
        if (auto rc = add_code->run(); !rc) return rc.error();
    }
    return {};
}

Result<int> SqlStore::unused_backup_codes(std::int64_t user_id) {
    auto count = db_.prepare("SELECT count(*) FROM backup_codes WHERE user_id = ?1 AND used_at = 0");
    if (!count) return count.error();
    auto row = count->bind(1, user_id).step();
    if (!row) return row.error();
    return static_cast<int>(count->int64(0));
}

// Called inside record_attempt's write transaction, so the check and the
// update below cannot interleave with another attempt: of two logins racing
// with one code, the second finds it used.
Result<SqlStore::BackupUse> SqlStore::use_backup_code(std::int64_t user_id, const std::vector<std::uint8_t>& hash,
                                                            std::int64_t now) {
    auto codes = db_.prepare("SELECT slot, hash, used_at FROM backup_codes WHERE user_id = ?1");
    if (!codes) return codes.error();
    codes->bind(1, user_id);
    std::int64_t match_slot = -1, match_used_at = 0;
    for (;;) {
        auto more = codes->step();
        if (!more) return more.error();
        if (!*more) break;
        auto stored = codes->blob(1);
        // Every row is compared, in constant time, whatever matched before.
        bool same = stored.size() == hash.size() && CRYPTO_memcmp(stored.data(), hash.data(), hash.size()) == 0;
        if (same) {
            match_slot = codes->int64(0);
            match_used_at = codes->int64(2);
        }
    }
    if (match_slot < 0) return BackupUse::no_match;
    if (match_used_at != 0) return BackupUse::already_used;
    auto spend = db_.prepare("UPDATE backup_codes SET used_at = ?3 WHERE user_id = ?1 AND slot = ?2 AND used_at = 0");
    if (!spend) return spend.error();
    if (auto rc = spend->bind(1, user_id).bind(2, match_slot).bind(3, now).run(); !rc) return rc.error();
    if (db_.changes() != 1) return make_error("backup code changed under a write lock");
    return BackupUse::used;
}

}  // namespace mfa::daemon
