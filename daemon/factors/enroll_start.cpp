#include "factors/enroll_start.hpp"

#include "audit/audit_journal.hpp"

namespace mfa::daemon {
namespace {

std::string refusal_text(EnrollStart result, const std::string& user, const NewFactor& factor) {
    switch (result) {
        case EnrollStart::already_enabled:
            return "already enabled: " + user + " has an active factor named \"" + factor.name +
                   "\"; choose another --name, or remove it first ('mfactl factor remove " + factor.name + "')";
        case EnrollStart::kind_taken:
            return "already enabled: " + user + " has a " + factor.kind +
                   " factor (or one pending); remove it first ('mfactl factors' lists them)";
        case EnrollStart::too_many:
            return user + " has " + std::to_string(kMaxFactors) + " factors, the most one user may hold; remove one first";
        case EnrollStart::started: break;
    }
    return "refused";
}

}  // namespace

Awaitable<PendingFactor> start_pending_factor(const RequestContext& ctx, const std::string& user, NewFactor& factor) {
    AuditEntry entry{"", user, "", "", "", ctx.peer.uid, ""};
    ctx.state.counters.add(Counter::setup_attempts);
    NewFactor described{factor.kind, factor.name, {}, factor.max_of_kind};
    auto start = [user, factor = std::move(factor), now = DaemonState::now(), entry](Store& store) {
        return store.start_enrollment(user, factor, now, entry);
    };
    auto started = co_await ctx.state.writes->submit<EnrollStarted>(start);
    if (!started) co_return PendingFactor{false, 0, internal_error(ctx, started.error())};
    entry.event = "enroll_start";
    entry.detail = "factor=" + described.name + " kind=" + described.kind;
    entry.result = started->result == EnrollStart::started ? "ok" : "refused";
    journal_audit(entry);
    if (started->result == EnrollStart::started) co_return PendingFactor{true, started->factor_id, std::nullopt};
    ctx.state.counters.add(Counter::already_enabled);
    co_return PendingFactor{false, 0,
                            Outcome{ctx.error(wire::ErrorCode::refused, refusal_text(started->result, user, described)), {}}};
}

}  // namespace mfa::daemon
