// SqlStore's help-desk disable: the read-only plan, and its one-transaction commit.
#include "store/sql_audit.hpp"
#include "store/sql_store.hpp"

namespace mfa::daemon {

Result<DisablePlan> SqlStore::plan_disable(std::string_view user, std::int64_t now) {
    auto get = db_.prepare(
        "SELECT u.failures, u.locked_until, u.disabled_until, "
        "(SELECT count(*) FROM factors f WHERE f.user_id = u.id AND f.state = 'active'), "
        "(SELECT count(*) FROM factors f WHERE f.user_id = u.id AND f.state = 'pending'), "
        "(SELECT count(*) FROM backup_codes c WHERE c.user_id = u.id AND c.used_at = 0) "
        "FROM users u WHERE u.name = ?1");
    if (!get) return get.error();
    auto row = get->bind(1, user).step();
    if (!row) return row.error();
    if (!*row) return DisablePlan{};
    DisablePlan plan;
    plan.user_exists = true;
    plan.failures = static_cast<int>(get->int64(0));
    plan.locked = get->int64(1) > now;
    plan.disabled_until = get->int64(2);
    plan.factors_active = static_cast<int>(get->int64(3));
    plan.factors_pending = static_cast<int>(get->int64(4));
    plan.backup_unused = static_cast<int>(get->int64(5));
    return plan;
}

Result<DisablePlan> SqlStore::apply_disable(std::string_view user, std::int64_t now, std::int64_t until,
                                               const AuditEntry& audit, const DescribeDisable& describe) {
    auto tx = sql::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto plan = plan_disable(user, now);
    if (!plan) return plan.error();
    if (!plan->user_exists || plan->nothing_to_change(now)) return plan;  // rolled back: nothing was written

    for (const char* sql : {"DELETE FROM factors WHERE user_id = (SELECT id FROM users WHERE name = ?1)",
                            "DELETE FROM backup_code_sets WHERE user_id = (SELECT id FROM users WHERE name = ?1)"}) {
        auto drop = db_.prepare(sql);
        if (!drop) return drop.error();
        if (auto rc = drop->bind(1, user).run(); !rc) return rc.error();
    }
    auto mark = db_.prepare("UPDATE users SET failures = 0, locked_until = 0, disabled_until = ?2 WHERE name = ?1");
    if (!mark) return mark.error();
    if (auto rc = mark->bind(1, user).bind(2, until).run(); !rc) return rc.error();
    AuditEntry entry = audit;
    entry.event = "disable";
    entry.user = std::string(user);
    entry.result = "ok";
    entry.detail = describe(*plan);
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    plan->disabled_until = until;
    return plan;
}

}  // namespace mfa::daemon
