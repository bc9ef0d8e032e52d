// SqlStore::record_attempt: the one place that decides a login attempt,
// and the spending of what a code proved (a time step, a backup code, a sent code).
#include <openssl/crypto.h>

#include "store/sql_audit.hpp"
#include "store/sql_store.hpp"

namespace mfa::daemon {
namespace {

const char* result_name(AttemptResult r) {
    switch (r) {
        case AttemptResult::accepted: return "ok";
        case AttemptResult::rejected: return "fail";
        case AttemptResult::replayed: return "replay";
        case AttemptResult::locked: return "locked";
        case AttemptResult::factor_changed: return "factor_changed";
    }
    return "fail";
}

void add_detail(std::string& detail, const std::string& more) {
    if (!more.empty()) detail += (detail.empty() ? "" : " ") + more;
}

}  // namespace

Result<void> SqlStore::fail_attempt(const Attempt& a, std::int64_t user_id, AttemptOutcome& out) {
    out.failures += 1;
    if (out.failures >= a.max_failures) {
        out.locked_until = a.now + a.lock_seconds;
        out.failures = 0;  // the lock starts a fresh count for when it ends
    }
    auto count = db_.prepare("UPDATE users SET failures = ?2, locked_until = ?3 WHERE id = ?1");
    if (!count) return count.error();
    return count->bind(1, user_id).bind(2, out.failures).bind(3, out.locked_until).run();
}

// The factor BEGIN read is gone (reset, removed, or reset and enrolled anew):
// the pending login is denied, and the row says why.
Result<AttemptOutcome> SqlStore::factor_changed(const Attempt& a, sql::Transaction& tx) {
    AttemptOutcome out;
    out.result = AttemptResult::factor_changed;
    AuditEntry entry = a.audit;
    entry.user = a.user;
    entry.event = "verify_fail";
    entry.result = result_name(out.result);
    if (auto rc = append_audit_row(db_, seal_, entry, a.now); !rc) return rc.error();
    if (auto rc = tx.commit(); !rc) return rc.error();
    out.audited.push_back(entry);
    return out;
}

Result<SqlStore::Spent> SqlStore::spend_challenge(std::int64_t user_id, const Claim& claim, std::int64_t now) {
    auto get = db_.prepare(
        "SELECT code_hash, expires_at, tries_left, used_at, id FROM challenges WHERE factor_id = ?1 AND user_id = ?2 "
        "ORDER BY id DESC LIMIT 1");
    if (!get) return get.error();
    auto row = get->bind(1, claim.factor_id).bind(2, user_id).step();
    if (!row) return row.error();
    if (!*row) return Spent::expired;  // none sent, or pruned once expired
    auto stored = get->blob(0);
    std::int64_t challenge_id = get->int64(4);
    if (get->int64(3) != 0 || get->int64(2) <= 0) return Spent::used_up;
    if (get->int64(1) <= now) return Spent::expired;
    bool same = stored.size() == claim.hash.size() && CRYPTO_memcmp(stored.data(), claim.hash.data(), stored.size()) == 0;
    // The compare-and-set: of two logins racing with one code, one spends it.
    if (!same) {
        auto wrong = db_.prepare("UPDATE challenges SET tries_left = tries_left - 1 WHERE id = ?1");
        if (!wrong) return wrong.error();
        if (auto rc = wrong->bind(1, challenge_id).run(); !rc) return rc.error();
        return Spent::wrong_code;
    }
    auto update = db_.prepare("UPDATE challenges SET used_at = ?2 WHERE id = ?1 AND used_at = 0");
    if (!update) return update.error();
    if (auto rc = update->bind(1, challenge_id).bind(2, now).run(); !rc) return rc.error();
    if (db_.changes() != 1) return make_error("sent code changed under a write lock");
    auto used = db_.prepare("UPDATE factors SET last_used_at = ?2 WHERE id = ?1");
    if (!used) return used.error();
    if (auto rc = used->bind(1, claim.factor_id).bind(2, now).run(); !rc) return rc.error();
    return Spent::spent;
}

Result<SqlStore::Spent> SqlStore::spend(std::int64_t user_id, const Claim& claim, std::int64_t now) {
    switch (claim.spend) {
        case Claim::Spend::time_step: {
            auto use = db_.prepare(
                "UPDATE factors SET last_step = ?3, last_used_at = ?4 WHERE id = ?1 AND user_id = ?2 AND last_step < ?3");
            if (!use) return use.error();
            if (auto rc = use->bind(1, claim.factor_id).bind(2, user_id).bind(3, claim.step).bind(4, now).run(); !rc)
                return rc.error();
            return db_.changes() == 1 ? Spent::spent : Spent::replayed;
        }
        case Claim::Spend::backup_code: {
            auto used = use_backup_code(user_id, claim.hash, now);
            if (!used) return used.error();
            if (*used == BackupUse::used) return Spent::spent;
            return *used == BackupUse::already_used ? Spent::replayed : Spent::no_match;
        }
        case Claim::Spend::challenge_code: return spend_challenge(user_id, claim, now);
        case Claim::Spend::recovery_code: return spend_recovery_code(user_id, claim, now);
    }
    return make_error("unknown claim");
}

Result<bool> SqlStore::all_active(std::int64_t user_id, const std::vector<std::int64_t>& ids) {
    auto check = db_.prepare("SELECT 1 FROM factors WHERE id = ?1 AND user_id = ?2 AND state = 'active'");
    if (!check) return check.error();
    for (auto id : ids) {
        check->reset();
        auto row = check->bind(1, id).bind(2, user_id).step();
        if (!row) return row.error();
        if (!*row) return false;
    }
    return true;
}

Result<AttemptOutcome> SqlStore::record_attempt(const Attempt& a) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto read = db_.prepare("SELECT id, failures, locked_until FROM users WHERE name = ?1");
    if (!read) return read.error();
    auto row = read->bind(1, a.user).step();
    if (!row) return row.error();
    if (!*row) return factor_changed(a, *tx);
    std::int64_t user_id = read->int64(0);
    AttemptOutcome out;
    out.failures = static_cast<int>(read->int64(1));
    out.locked_until = read->int64(2);
    auto intact = all_active(user_id, a.checked);
    if (!intact) return intact.error();
    if (!*intact) return factor_changed(a, *tx);

    bool replayed = false, backup_tried = false;
    if (out.locked_until > a.now) {
        // The same answer whether the code was right or wrong, and nothing counted or spent.
        out.result = AttemptResult::locked;
    } else {
        for (const auto& claim : a.claims) {
            auto spent = spend(user_id, claim, a.now);
            if (!spent) return spent.error();
            backup_tried = backup_tried || claim.spend == Claim::Spend::backup_code;
            if (*spent == Spent::spent) {
                out.result = AttemptResult::accepted;
                out.factor_name = claim.factor_name;
                out.by_backup_code = claim.spend == Claim::Spend::backup_code;
                out.recovered = claim.spend == Claim::Spend::recovery_code;
                break;
            }
            replayed = replayed || *spent == Spent::replayed;
            if (claim.spend == Claim::Spend::challenge_code || claim.spend == Claim::Spend::recovery_code)
                out.challenge = *spent == Spent::wrong_code ? ChallengeState::wrong
                                : *spent == Spent::expired  ? ChallengeState::expired
                                                            : ChallengeState::used_up;
        }
    }

    if (out.result == AttemptResult::accepted) {
        auto reset = db_.prepare("UPDATE users SET failures = 0, locked_until = 0, last_verified_at = ?2 WHERE id = ?1");
        if (!reset) return reset.error();
        if (auto rc = reset->bind(1, user_id).bind(2, a.now).run(); !rc) return rc.error();
        out.failures = 0;
        out.locked_until = 0;
    } else if (out.result != AttemptResult::locked) {
        out.result = replayed ? AttemptResult::replayed : AttemptResult::rejected;
        if (auto rc = fail_attempt(a, user_id, out); !rc) return rc.error();
    }
    if (backup_tried) {
        auto left = unused_backup_codes(user_id);
        if (!left) return left.error();
        out.backup_remaining = *left;
    }

    AuditEntry entry = a.audit;
    entry.user = a.user;
    entry.event = out.result == AttemptResult::accepted ? "verify_ok" : "verify_fail";
    entry.result = result_name(out.result);
    if (out.recovered) {
        entry.event = "recovery";
        add_detail(entry.detail, "factors=removed backup_codes=voided");
    } else if (out.by_backup_code) {
        entry.event = "backup_code_used";
        add_detail(entry.detail, "factor=backup_code remaining=" + std::to_string(out.backup_remaining));
    } else if (!out.factor_name.empty()) {
        add_detail(entry.detail, "factor=" + out.factor_name);
    }
    if (auto rc = append_audit_row(db_, seal_, entry, a.now); !rc) return rc.error();
    out.audited.push_back(entry);
    if (out.result != AttemptResult::locked && out.locked_until > a.now) {
        entry.event = "lockout";
        entry.result = "locked";
        entry.detail = "until=" + std::to_string(out.locked_until);
        if (auto rc = append_audit_row(db_, seal_, entry, a.now); !rc) return rc.error();
        out.audited.push_back(entry);
    }
    if (auto rc = tx->commit(); !rc) return rc.error();
    return out;
}

}  // namespace mfa::daemon
