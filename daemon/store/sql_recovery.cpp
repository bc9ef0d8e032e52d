// SqlStore: enrollment at login (the grace) and recovery by email (the
// address, the codes sent to it, and the reset a recovery code makes).
#include <openssl/crypto.h>

#include "store/sql_audit.hpp"
#include "store/sql_store.hpp"

namespace mfa::daemon {
namespace {

const char* purpose_name(MailPurpose purpose) { return purpose == MailPurpose::verify ? "verify" : "recover"; }

// One statement on one user's rows: ?1 the user's id, ?2 (if the SQL has it) `value`.
Result<void> run_for_user(sql::Connection& db, std::string_view sql, std::int64_t user_id, std::int64_t value = 0) {
    auto step = db.prepare(std::string(sql));
    if (!step) return step.error();
    step->bind(1, user_id);
    if (sql.find("?2") != std::string_view::npos) step->bind(2, value);
    return step->run();
}

bool same_hash(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Result<std::int64_t> SqlStore::ensure_user(std::string_view user, std::int64_t now) {
    auto add_user = db_.prepare("INSERT INTO users (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
    if (!add_user) return add_user.error();
    if (auto rc = add_user->bind(1, user).bind(2, now).run(); !rc) return rc.error();
    auto id = find_user_id(user);
    if (!id) return id.error();
    if (!*id) return make_error("user row vanished inside a transaction");
    return **id;
}

Result<std::int64_t> SqlStore::note_first_login(std::string_view user, std::int64_t now) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto id = ensure_user(user, now);
    if (!id) return id.error();
    auto mark = db_.prepare("UPDATE users SET first_login_at = ?2 WHERE id = ?1 AND first_login_at = 0");
    if (!mark) return mark.error();
    if (auto rc = mark->bind(1, *id).bind(2, now).run(); !rc) return rc.error();
    auto first = db_.prepare("SELECT first_login_at FROM users WHERE id = ?1");
    if (!first) return first.error();
    auto row = first->bind(1, *id).step();
    if (!row) return row.error();
    std::int64_t at = first->int64(0);
    if (auto rc = tx->commit(); !rc) return rc.error();
    return at;
}

Result<void> SqlStore::set_grace(std::string_view user, std::int64_t until, std::int64_t now,
                                    const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto id = ensure_user(user, now);
    if (!id) return id.error();
    auto set = db_.prepare("UPDATE users SET grace_until = ?2 WHERE id = ?1");
    if (!set) return set.error();
    if (auto rc = set->bind(1, *id).bind(2, until).run(); !rc) return rc.error();
    AuditEntry entry = audit;
    entry.event = "grace";
    entry.user = std::string(user);
    entry.result = "ok";
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    return tx->commit();
}

Result<MailCodeIssue> SqlStore::issue_mail_code(const MailCodeRequest& r, const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto id = ensure_user(r.user, r.now);
    if (!id) return id.error();
    const char* channel = r.purpose == MailPurpose::verify ? "email_verify" : "email_recover";

    auto state = db_.prepare(
        "SELECT u.locked_until, "
        "(SELECT count(*) FROM recovery_emails e WHERE e.user_id = u.id AND e.state = 'active'), "
        "(SELECT count(*) FROM sends s WHERE s.user_id = u.id AND s.channel = ?2 AND s.time > ?3), "
        "(SELECT count(*) FROM sends s WHERE s.destination = ?4 AND s.channel = ?2 AND s.time > ?3) "
        "FROM users u WHERE u.id = ?1");
    if (!state) return state.error();
    auto row = state->bind(1, *id).bind(2, channel).bind(3, r.now - 86400).bind(4, r.destination).step();
    if (!row) return row.error();
    MailCodeIssue result = MailCodeIssue::issued;
    if (r.purpose == MailPurpose::recover && state->int64(0) > r.now) result = MailCodeIssue::locked;
    else if (r.purpose == MailPurpose::recover && state->int64(1) == 0) result = MailCodeIssue::no_address;
    else if (state->int64(2) >= r.max_per_user_per_day) result = MailCodeIssue::user_day;
    else if (state->int64(3) >= r.max_per_destination_per_day) result = MailCodeIssue::destination_day;

    if (result == MailCodeIssue::issued) {
        auto code = db_.prepare(
            "INSERT INTO mail_codes (user_id, purpose, code_hash, created_at, expires_at, tries_left) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (user_id, purpose) DO UPDATE SET code_hash = excluded.code_hash, "
            "created_at = excluded.created_at, expires_at = excluded.expires_at, tries_left = excluded.tries_left, used_at = 0");
        if (!code) return code.error();
        code->bind(1, *id).bind(2, purpose_name(r.purpose)).bind(3, r.code_hash).bind(4, r.now).bind(5, r.expires_at);
        if (auto rc = code->bind(6, std::int64_t{r.tries}).run(); !rc) return rc.error();
        auto sent = db_.prepare(
            "INSERT INTO sends (user_id, channel, destination, verified, time) VALUES (?1, ?2, ?3, ?4, ?5)");
        if (!sent) return sent.error();
        sent->bind(1, *id).bind(2, channel).bind(3, r.destination);
        if (auto rc = sent->bind(4, std::int64_t{r.purpose == MailPurpose::recover}).bind(5, r.now).run(); !rc)
            return rc.error();
        if (r.purpose == MailPurpose::verify) {
            auto pending = db_.prepare(
                "INSERT INTO recovery_emails (user_id, state, sealed_address, created_at) VALUES (?1, 'pending', ?2, ?3) "
                "ON CONFLICT (user_id, state) DO UPDATE SET sealed_address = excluded.sealed_address, "
                "created_at = excluded.created_at");
            if (!pending) return pending.error();
            if (auto rc = pending->bind(1, *id).bind(2, r.sealed_address).bind(3, r.now).run(); !rc) return rc.error();
        }
    }
    AuditEntry entry = audit;
    entry.user = r.user;
    entry.result = result == MailCodeIssue::issued ? "ok" : "refused";
    if (result != MailCodeIssue::issued)
        entry.detail += std::string(entry.detail.empty() ? "" : " ") + "cap=" + mail_code_issue_name(result);
    if (auto rc = append_audit_row(db_, seal_, entry, r.now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return result;
}

Result<void> SqlStore::cancel_mail_code(std::string_view user, MailPurpose purpose, const AuditEntry& audit,
                                           std::int64_t now) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto drop = db_.prepare(
        "DELETE FROM mail_codes WHERE purpose = ?2 AND user_id = (SELECT id FROM users WHERE name = ?1)");
    if (!drop) return drop.error();
    if (auto rc = drop->bind(1, user).bind(2, purpose_name(purpose)).run(); !rc) return rc.error();
    if (auto rc = append_audit_row(db_, seal_, audit, now); !rc) return rc.error();
    return tx->commit();
}

Result<MailCodeCheck> SqlStore::confirm_recovery_email(std::string_view user,
                                                          const std::vector<std::uint8_t>& code_hash,
                                                          std::int64_t now, const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto get = db_.prepare(
        "SELECT m.user_id, m.code_hash FROM mail_codes m JOIN users u ON u.id = m.user_id "
        "WHERE u.name = ?1 AND m.purpose = 'verify' AND m.used_at = 0 AND m.tries_left > 0 AND m.expires_at > ?2 "
        "AND EXISTS (SELECT 1 FROM recovery_emails e WHERE e.user_id = m.user_id AND e.state = 'pending')");
    if (!get) return get.error();
    auto row = get->bind(1, user).bind(2, now).step();
    if (!row) return row.error();
    MailCodeCheck result = MailCodeCheck::none;
    if (*row) {
        std::int64_t id = get->int64(0);
        result = same_hash(get->blob(1), code_hash) ? MailCodeCheck::confirmed : MailCodeCheck::wrong;
        if (result == MailCodeCheck::confirmed) {
            for (const char* sql :
                 {"UPDATE mail_codes SET used_at = ?2 WHERE user_id = ?1 AND purpose = 'verify' AND used_at = 0",
                  "DELETE FROM recovery_emails WHERE user_id = ?1 AND state = 'active'",
                  "UPDATE recovery_emails SET state = 'active', confirmed_at = ?2 WHERE user_id = ?1 AND state = 'pending'"})
                if (auto rc = run_for_user(db_, sql, id, now); !rc) return rc.error();
        } else if (auto rc = run_for_user(db_, "UPDATE mail_codes SET tries_left = tries_left - 1 "
                                               "WHERE user_id = ?1 AND purpose = 'verify'", id);
                   !rc) {
            return rc.error();
        }
    }
    AuditEntry entry = audit;
    entry.event = "recovery_email_confirm";
    entry.user = std::string(user);
    entry.result = result == MailCodeCheck::confirmed ? "ok" : result == MailCodeCheck::wrong ? "fail" : "no_pending";
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return result;
}

Result<SqlStore::Spent> SqlStore::spend_recovery_code(std::int64_t user_id, const Claim& claim, std::int64_t now) {
    auto get = db_.prepare(
        "SELECT code_hash, expires_at, used_at FROM mail_codes WHERE user_id = ?1 AND purpose = 'recover'");
    if (!get) return get.error();
    auto row = get->bind(1, user_id).step();
    if (!row) return row.error();
    if (!*row || get->int64(2) != 0) return Spent::used_up;
    if (get->int64(1) <= now) return Spent::expired;
    if (!same_hash(get->blob(0), claim.hash)) return Spent::wrong_code;
    // The compare-and-set: of two logins racing with one code, one spends it.
    auto use = db_.prepare("UPDATE mail_codes SET used_at = ?2 WHERE user_id = ?1 AND purpose = 'recover' AND used_at = 0");
    if (!use) return use.error();
    if (auto rc = use->bind(1, user_id).bind(2, now).run(); !rc) return rc.error();
    if (db_.changes() != 1) return make_error("recovery code changed under a write lock");
    for (const char* sql : {"DELETE FROM factors WHERE user_id = ?1", "DELETE FROM backup_code_sets WHERE user_id = ?1",
                            "UPDATE users SET primary_factor = 0, disabled_until = 0, enroll_by = ?2 WHERE id = ?1"})
        if (auto rc = run_for_user(db_, sql, user_id, claim.enroll_by); !rc) return rc.error();
    return Spent::spent;
}

}  // namespace mfa::daemon
