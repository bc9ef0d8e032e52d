// SqlStore's factor management: the primary, removal, and codes to send
// within their caps.
#include "store/sql_audit.hpp"
#include "store/sql_store.hpp"

namespace mfa::daemon {
namespace {

const char* change_name(FactorChange change) {
    switch (change) {
        case FactorChange::changed: return "ok";
        case FactorChange::no_such_factor: return "no_such_factor";
        case FactorChange::not_active: return "not_active";
    }
    return "fail";
}

}  // namespace

Result<FactorChange> SqlStore::set_primary(std::string_view user, std::string_view name, std::int64_t now,
                                              const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto find = db_.prepare(
        "SELECT f.id, f.state = 'active', u.id FROM factors f JOIN users u ON u.id = f.user_id WHERE u.name = ?1 AND f.name = ?2");
    if (!find) return find.error();
    auto row = find->bind(1, user).bind(2, name).step();
    if (!row) return row.error();
    if (!*row) return FactorChange::no_such_factor;  // nothing written: no row needed for a typo
    if (find->int64(1) == 0) return FactorChange::not_active;
    auto mark = db_.prepare("UPDATE users SET primary_factor = ?2 WHERE id = ?1");
    if (!mark) return mark.error();
    if (auto rc = mark->bind(1, find->int64(2)).bind(2, find->int64(0)).run(); !rc) return rc.error();
    AuditEntry entry = audit;
    entry.event = "factor_primary";
    entry.user = std::string(user);
    entry.result = "ok";
    entry.detail = "factor=" + std::string(name);
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return FactorChange::changed;
}

Result<FactorChange> SqlStore::remove_factor(std::string_view user, std::string_view name, std::int64_t now,
                                                const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto drop = db_.prepare(
        "DELETE FROM factors WHERE name = ?2 AND user_id = (SELECT id FROM users WHERE name = ?1) RETURNING kind");
    if (!drop) return drop.error();
    auto row = drop->bind(1, user).bind(2, name).step();
    if (!row) return row.error();
    if (!*row) return FactorChange::no_such_factor;
    std::string kind = drop->text(0);
    if (auto rest = drop->step(); !rest) return rest.error();  // RETURNING: the delete finishes on the last step
    AuditEntry entry = audit;
    entry.event = "factor_remove";
    entry.user = std::string(user);
    entry.result = change_name(FactorChange::changed);
    std::string what = "factor=" + std::string(name) + " kind=" + kind;
    entry.detail = entry.detail.empty() ? what : what + " " + entry.detail;
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return FactorChange::changed;
}

Result<ChallengeIssued> SqlStore::issue_challenge(const ChallengeRequest& r, const AuditEntry& audit) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto owner = db_.prepare(
        "SELECT u.id, u.locked_until, u.push_paused_until FROM users u JOIN factors f ON f.user_id = u.id "
        "WHERE u.name = ?1 AND f.id = ?2");
    if (!owner) return owner.error();
    auto row = owner->bind(1, r.user).bind(2, r.factor_id).step();
    if (!row) return row.error();
    if (!*row) return ChallengeIssued{ChallengeIssue::factor_changed, 0, 0};
    std::int64_t user_id = owner->int64(0);
    std::int64_t locked_until = owner->int64(1);
    std::int64_t paused_until = owner->int64(2);

    // Sends older than a day count toward nothing; spent and expired codes are done.
    for (const char* sql : {"DELETE FROM sends WHERE time <= ?1 - 86400",
                            "DELETE FROM challenges WHERE expires_at <= ?1"}) {
        auto prune = db_.prepare(sql);
        if (!prune) return prune.error();
        if (auto rc = prune->bind(1, r.now).run(); !rc) return rc.error();
    }
    // resend_after guards an outstanding code: once it is used or expired, a
    // new one may go at once. It is the user's, for every factor of the kind:
    // a pending factor enrolled anew (a new id) must not start a second push.
    // Each channel (sms, push) has its own caps.
    auto counts = db_.prepare(
        "SELECT (SELECT coalesce(max(c.created_at), 0) FROM challenges c JOIN factors f ON f.id = c.factor_id "
        "WHERE c.user_id = ?1 AND f.kind = (SELECT kind FROM factors WHERE id = ?4) AND c.used_at = 0 "
        "AND c.tries_left > 0 AND c.expires_at > ?2), "
        "(SELECT count(*) FROM sends WHERE user_id = ?1 AND channel = ?6 AND time > ?2 - 3600), "
        "(SELECT count(*) FROM sends WHERE user_id = ?1 AND channel = ?6 AND time > ?2 - 86400), "
        "(SELECT count(*) FROM sends WHERE destination = ?3 AND channel = ?6 AND verified = ?5 AND time > ?2 - 86400), "
        "(SELECT count(*) FROM sends WHERE channel = ?6 AND time > ?2 - 3600)");
    if (!counts) return counts.error();
    counts->bind(1, user_id).bind(2, r.now).bind(3, std::span<const std::uint8_t>(r.destination)).bind(4, r.factor_id);
    counts->bind(5, std::int64_t{r.verified_destination ? 1 : 0}).bind(6, r.channel);
    if (auto rc = counts->step(); !rc) return rc.error();
    ChallengeIssued out;
    std::int64_t last = counts->int64(0);
    // A login's code is of no use while the account is locked; a number being
    // enrolled is not a login and stays under its own caps only.
    if (r.verified_destination && locked_until > r.now) {
        out.result = ChallengeIssue::locked;
        out.retry_at = locked_until;
    } else if (r.channel == "push" && paused_until > r.now) {
        out.result = ChallengeIssue::paused;
        out.retry_at = paused_until;
    } else if (last > 0 && r.now < last + r.resend_after) {
        out.result = ChallengeIssue::too_soon;
        out.retry_at = last + r.resend_after;
    } else if (counts->int64(1) >= r.max_per_user_per_hour) {
        out.result = ChallengeIssue::user_hour;
    } else if (counts->int64(2) >= r.max_per_user_per_day) {
        out.result = ChallengeIssue::user_day;
    } else if (counts->int64(3) >= r.max_per_destination_per_day) {
        out.result = ChallengeIssue::destination_day;
    } else if (counts->int64(4) >= r.max_per_hour) {
        out.result = ChallengeIssue::global_hour;
    }

    if (out.result != ChallengeIssue::issued) {
        AuditEntry entry = audit;
        entry.event = r.channel + "_refused";
        entry.user = r.user;
        entry.result = challenge_issue_name(out.result);
        if (auto rc = append_audit_row(db_, seal_, entry, r.now); !rc) return rc.error();
        if (auto rc = tx->commit(); !rc) return rc.error();
        return out;
    }
    // One outstanding code per factor: a resend voids the one before.
    auto old = db_.prepare("DELETE FROM challenges WHERE factor_id = ?1");
    auto add = db_.prepare(
        "INSERT INTO challenges (user_id, factor_id, code_hash, created_at, expires_at, tries_left) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id");
    auto sent = db_.prepare("INSERT INTO sends (user_id, channel, destination, verified, time) VALUES (?1, ?2, ?3, ?5, ?4)");
    if (!old) return old.error();
    if (!add) return add.error();
    if (!sent) return sent.error();
    if (auto rc = old->bind(1, r.factor_id).run(); !rc) return rc.error();
    add->bind(1, user_id).bind(2, r.factor_id).bind(3, std::span<const std::uint8_t>(r.code_hash)).bind(4, r.now);
    add->bind(5, r.expires_at).bind(6, std::int64_t{r.tries});
    auto added = add->step();
    if (!added) return added.error();
    out.challenge_id = add->int64(0);
    if (auto rest = add->step(); !rest) return rest.error();
    sent->bind(1, user_id).bind(2, r.channel).bind(3, std::span<const std::uint8_t>(r.destination)).bind(4, r.now);
    sent->bind(5, std::int64_t{r.verified_destination ? 1 : 0});
    if (auto rc = sent->run(); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return out;
}

Result<void> SqlStore::cancel_challenge(std::int64_t challenge_id, const AuditEntry& audit, std::int64_t now) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto drop = db_.prepare("DELETE FROM challenges WHERE id = ?1");
    if (!drop) return drop.error();
    if (auto rc = drop->bind(1, challenge_id).run(); !rc) return rc.error();
    if (auto rc = append_audit_row(db_, seal_, audit, now); !rc) return rc.error();
    return tx->commit();
}

}  // namespace mfa::daemon
