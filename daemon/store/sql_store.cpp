// SqlStore: reading a user, and enrolling a factor.
#include "store/sql_store.hpp"

#include "store/sql_audit.hpp"

namespace mfa::daemon {

Result<std::optional<std::int64_t>> SqlStore::find_user_id(std::string_view user) {
    auto find = db_.prepare("SELECT id FROM users WHERE name = ?1");
    if (!find) return find.error();
    auto row = find->bind(1, user).step();
    if (!row) return row.error();
    if (!*row) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(find->int64(0));
}

Result<std::optional<UserRecord>> SqlStore::load_user(std::string_view user) {
    auto snapshot = sql::ReadSnapshot::begin(db_);  // the user's row and factors as of one moment
    if (!snapshot) return snapshot.error();
    auto get = db_.prepare(
        "SELECT u.id, u.failures, u.locked_until, u.last_verified_at, u.disabled_until, u.primary_factor, b.salt, "
        "b.iterations, b.created_at, "
        "(SELECT count(*) FROM backup_codes c WHERE c.user_id = u.id AND c.used_at = 0), "
        "(SELECT coalesce(max(used_at), 0) FROM backup_codes c WHERE c.user_id = u.id), "
        "u.first_login_at, u.grace_until, u.enroll_by, "
        "(SELECT sealed_address FROM recovery_emails e WHERE e.user_id = u.id AND e.state = 'active'), "
        "EXISTS (SELECT 1 FROM recovery_emails e WHERE e.user_id = u.id AND e.state = 'pending'), "
        "(SELECT expires_at FROM mail_codes m WHERE m.user_id = u.id AND m.purpose = 'recover' AND m.used_at = 0), "
        "u.push_paused_until "
        "FROM users u LEFT JOIN backup_code_sets b ON b.user_id = u.id WHERE u.name = ?1");
    if (!get) return get.error();
    auto row = get->bind(1, user).step();
    if (!row) return row.error();
    if (!*row) return std::optional<UserRecord>();
    std::int64_t id = get->int64(0);
    std::int64_t primary = get->int64(5);
    UserRecord record;
    record.name = std::string(user);
    record.failures = static_cast<int>(get->int64(1));
    record.locked_until = get->int64(2);
    record.last_verified_at = get->int64(3);
    record.disabled_until = get->int64(4);
    record.backup_remaining = static_cast<int>(get->int64(9));
    record.backup_last_used_at = get->int64(10);
    record.first_login_at = get->int64(11);
    record.grace_until = get->int64(12);
    record.enroll_by = get->int64(13);
    if (!get->is_null(14)) record.recovery_email = get->blob(14);
    record.recovery_email_pending = get->int64(15) != 0;
    record.recovery_code_expires = get->is_null(16) ? 0 : get->int64(16);
    record.push_paused_until = get->int64(17);
    if (!get->is_null(6)) {
        record.backup = BackupCodeSalt{get->blob(6), static_cast<int>(get->int64(7))};
        record.backup_created_at = get->int64(8);
    }

    auto factors = db_.prepare(
        "SELECT id, kind, name, state, sealed_secret, created_at, confirmed_at, last_step, last_used_at, "
        "otp_digits, otp_period, otp_window FROM factors WHERE user_id = ?1 ORDER BY id");
    if (!factors) return factors.error();
    factors->bind(1, id);
    for (;;) {
        auto more = factors->step();
        if (!more) return more.error();
        if (!*more) break;
        record.factors.push_back(FactorRecord{factors->int64(0), factors->text(1), factors->text(2),
                                              factors->text(3) == "active" ? FactorState::active : FactorState::pending,
                                              factors->blob(4), factors->int64(5), factors->int64(6),
                                              factors->int64(7), factors->int64(8), false,
                                              OtpShape{static_cast<int>(factors->int64(9)), static_cast<int>(factors->int64(10)),
                                                       static_cast<int>(factors->int64(11))}});
    }
    // The primary as chosen, or else the oldest active factor: removing the
    // primary never leaves a user without a default.
    FactorRecord* chosen = nullptr;
    for (auto& f : record.factors) {
        if (f.state != FactorState::active) continue;
        if (chosen == nullptr || f.id == primary) chosen = &f;
        if (f.id == primary) break;
    }
    if (chosen != nullptr) chosen->primary = true;
    return std::optional<UserRecord>(std::move(record));
}

Result<EnrollStarted> SqlStore::start_enrollment(std::string_view user, const NewFactor& factor, std::int64_t now,
                                                    const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto user_id = ensure_user(user, now);
    if (!user_id) return user_id.error();

    auto stale = db_.prepare("DELETE FROM factors WHERE user_id = ?1 AND state = 'pending' AND created_at < ?2");
    if (!stale) return stale.error();
    if (auto rc = stale->bind(1, *user_id).bind(2, now - kPendingEnrollmentSeconds).run(); !rc) return rc.error();
    auto count = db_.prepare(
        "SELECT count(*) FILTER (WHERE name = ?2 AND state = 'active'), "
        "count(*) FILTER (WHERE kind = ?3 AND name != ?2), "
        "count(*) FILTER (WHERE name != ?2) FROM factors WHERE user_id = ?1");
    if (!count) return count.error();
    count->bind(1, *user_id).bind(2, factor.name).bind(3, factor.kind);
    if (auto rc = count->step(); !rc) return rc.error();
    EnrollStarted started{EnrollStart::started, 0};
    if (count->int64(0) > 0)
        started.result = EnrollStart::already_enabled;
    else if (factor.max_of_kind > 0 && count->int64(1) >= factor.max_of_kind)
        started.result = EnrollStart::kind_taken;
    else if (count->int64(2) >= kMaxFactors)
        started.result = EnrollStart::too_many;

    AuditEntry entry = audit;
    entry.event = "enroll_start";
    entry.detail = "factor=" + factor.name + " kind=" + factor.kind;
    if (started.result == EnrollStart::started) {
        // A new row, never the old one updated: a confirmation of the replaced
        // pending factor (its id) must find nothing, or a second start would
        // swap the secret under a person who is about to confirm the first.
        auto drop = db_.prepare("DELETE FROM factors WHERE user_id = ?1 AND name = ?2 AND state = 'pending'");
        if (!drop) return drop.error();
        if (auto rc = drop->bind(1, *user_id).bind(2, factor.name).run(); !rc) return rc.error();
        auto put = db_.prepare(
            "INSERT INTO factors (user_id, kind, name, state, sealed_secret, created_at, last_step, otp_digits, otp_period, "
            "otp_window) VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id");
        if (!put) return put.error();
        put->bind(1, *user_id).bind(2, factor.kind).bind(3, factor.name);
        put->bind(4, std::span<const std::uint8_t>(factor.sealed_secret)).bind(5, now).bind(6, factor.last_step);
        put->bind(7, std::int64_t{factor.otp.digits}).bind(8, std::int64_t{factor.otp.period}).bind(9, std::int64_t{factor.otp.window});
        auto row = put->step();
        if (!row) return row.error();
        started.factor_id = put->int64(0);
        // A replaced pending factor's codes go with it.
        auto old_codes = db_.prepare("DELETE FROM challenges WHERE factor_id = ?1");
        if (!old_codes) return old_codes.error();
        if (auto rc = old_codes->bind(1, started.factor_id).run(); !rc) return rc.error();
    }
    static constexpr const char* kResults[] = {"ok", "already_enabled", "kind_taken", "too_many"};
    entry.result = kResults[static_cast<int>(started.result)];
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return started;
}

Result<EnrollConfirm> SqlStore::confirm_enrollment(std::string_view user, std::int64_t factor_id, const Claim& proof,
                                                      std::int64_t now, std::int64_t pending_since,
                                                      const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto pending = db_.prepare(
        "SELECT f.user_id, f.name FROM factors f JOIN users u ON u.id = f.user_id "
        "WHERE u.name = ?1 AND f.id = ?2 AND f.state = 'pending' AND f.created_at >= ?3");
    if (!pending) return pending.error();
    auto row = pending->bind(1, user).bind(2, factor_id).bind(3, pending_since).step();
    if (!row) return row.error();
    AuditEntry entry = audit;
    if (entry.event.empty()) entry.event = "enroll_confirm";  // or the caller's: enroll_at_login
    EnrollConfirm result = EnrollConfirm::no_pending;
    if (*row) {
        std::int64_t user_id = pending->int64(0);
        entry.detail = "factor=" + pending->text(1);
        auto spent = spend(user_id, proof, now);
        if (!spent) return spent.error();
        result = *spent == Spent::spent ? EnrollConfirm::confirmed : EnrollConfirm::wrong_code;
        if (result == EnrollConfirm::confirmed) {
            auto activate = db_.prepare(
                "UPDATE factors SET state = 'active', confirmed_at = ?2, last_step = CASE WHEN last_step > ?3 THEN last_step ELSE ?3 END WHERE id = ?1");
            if (!activate) return activate.error();
            std::int64_t step = proof.spend == Claim::Spend::time_step ? proof.step : -1;
            if (auto rc = activate->bind(1, factor_id).bind(2, now).bind(3, step).run(); !rc) return rc.error();
            // Enrolled again: a help-desk disable ends here. The first factor is
            // the primary. A user who has had a factor never gets an enrollment
            // grace again (kEverEnrolled), nor keeps an admin's.
            auto enable = db_.prepare(
                "UPDATE users SET disabled_until = 0, first_login_at = -1, grace_until = 0, primary_factor = CASE WHEN "
                "EXISTS (SELECT 1 FROM factors WHERE id = users.primary_factor AND state = 'active') THEN primary_factor "
                "ELSE ?2 END WHERE id = ?1");
            if (!enable) return enable.error();
            if (auto rc = enable->bind(1, user_id).bind(2, factor_id).run(); !rc) return rc.error();
            // Other pending factors may have been started without a code (the
            // account had none then): they prove nothing now, so they go.
            auto others = db_.prepare("DELETE FROM factors WHERE user_id = ?1 AND state = 'pending' AND id != ?2");
            if (!others) return others.error();
            if (auto rc = others->bind(1, user_id).bind(2, factor_id).run(); !rc) return rc.error();
        }
    }
    entry.result = enroll_confirm_name(result);
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return result;
}

Result<void> SqlStore::run_group(const std::function<void(Store&)>& body) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    body(*this);
    return tx->commit();
}

Result<void> SqlStore::append_audit(const AuditEntry& entry, std::int64_t now) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    return tx->commit();
}

}  // namespace mfa::daemon
