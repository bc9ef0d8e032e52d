// ADMIN_DISABLE: the help desk's lockout resolution. A dry run reads only;
// a commit changes everything in one transaction and audits who, why and what.
#include <nlohmann/json.hpp>

#include "audit/audit_journal.hpp"
#include "auth/authority.hpp"
#include "mfa/wire/admin_messages.hpp"
#include "server/request_handler.hpp"

namespace mfa::daemon {
namespace {

wire::DisableReport report(const DisablePlan& plan, std::string state) {
    return wire::DisableReport{std::move(state),
                               plan.factors_active > 0,
                               plan.factors_pending > 0,
                               static_cast<std::uint32_t>(plan.backup_unused),
                               plan.locked,
                               static_cast<std::uint32_t>(plan.failures),
                               static_cast<std::uint64_t>(std::max<std::int64_t>(plan.disabled_until, 0))};
}

// The audit row's detail. The operator's email lives here and nowhere else:
// not in the journal, not in the counters.
std::string describe(const wire::AdminDisable& request, std::uint32_t operator_uid, const DisablePlan& found,
                     std::int64_t until) {
    nlohmann::json detail = {
        {"ticket", request.ticket},
        {"reason", request.reason},
        {"operator", request.operator_email},
        {"verification_method", request.method},
        {"operator_uid", operator_uid},
        {"changes",
         {{"totp_removed", found.factors_active > 0},
          {"pending_enrollment_removed", found.factors_pending > 0},
          {"backup_codes_voided", found.backup_unused},
          {"lock_cleared", found.locked},
          {"failures_cleared", found.failures},
          {"disabled_until", until}}}};
    return detail.dump();
}

}  // namespace

Awaitable<Outcome> handle_admin_disable(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_admin_disable(payload);
    if (!request)
        co_return Outcome{ctx.error(wire::ErrorCode::malformed, request.error().message), request.error().message};
    if (auto refused = co_await refuse_non_admin(ctx, request->user, "disable")) co_return std::move(*refused);
    if (auto refused = co_await resolve_admin_target(ctx, request->user, "disable")) co_return std::move(*refused);
    if (auto problem = wire::disable_request_problem(*request); !problem.empty())
        co_return Outcome{ctx.error(wire::ErrorCode::refused, problem), {}};

    std::int64_t now = DaemonState::now();
    std::int64_t until = now + ctx.state.config->disable.duration.count();
    Result<DisablePlan> plan = make_error("unset");
    if (request->commit) {
        AuditEntry entry{"", "", "", "", "", ctx.peer.uid, ""};
        auto apply = [request = *request, uid = ctx.peer.uid, now, until, entry](Store& store) {
            auto text = [&](const DisablePlan& found) { return describe(request, uid, found, until); };
            return store.apply_disable(request.user, now, until, entry, text);
        };
        plan = co_await ctx.state.writes->submit<DisablePlan>(apply);
    } else {
        std::function<Result<DisablePlan>(Store&)> read = [user = request->user, now](Store& store) {
            return store.plan_disable(user, now);
        };
        plan = co_await ctx.state.store->run(read);
    }
    if (!plan) co_return internal_error(ctx, plan.error());
    if (!plan->user_exists)
        co_return Outcome{ctx.error(wire::ErrorCode::refused, "mfad knows no user " + request->user + ": nothing to disable"), {}};
    if (plan->nothing_to_change(now))
        co_return Outcome{wire::encode(report(*plan, "already_disabled"), ctx.request_id), {}};
    if (!request->commit) {
        plan->disabled_until = until;  // what a commit now would set
        co_return Outcome{wire::encode(report(*plan, "dry_run"), ctx.request_id), {}};
    }
    // The journal gets the event, not the detail: no email, ticket or reason there.
    AuditEntry journal{"disable", request->user, "ok", "", "", ctx.peer.uid, ""};
    journal_audit(journal);
    ctx.state.counters.add(Counter::admin_disables);
    co_return Outcome{wire::encode(report(*plan, "committed"), ctx.request_id), {}};
}

}  // namespace mfa::daemon
