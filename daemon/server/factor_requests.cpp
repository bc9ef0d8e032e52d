// FACTORS_LIST and FACTOR_CHANGE (mfactl factors; factor primary|remove).
#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "factors/factor_registry.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "server/authorize_user_request.hpp"
#include "server/possession.hpp"
#include "server/recovery_email_requests.hpp"

namespace mfa::daemon {
namespace {

constexpr const char* kBackupCodesName = "backup-codes";

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

wire::FactorsReply list(const DaemonState& state, const UserRecord& user) {
    wire::FactorsReply reply{user.name, {}};
    for (const auto& f : user.factors) {
        const Factor* kind = find_factor(f.kind);
        reply.factors.push_back(wire::FactorInfo{
            f.name, f.kind, f.state == FactorState::active ? "active" : "pending", f.primary,
            static_cast<std::uint64_t>(f.created_at), static_cast<std::uint64_t>(f.last_used_at),
            kind ? kind->describe(state, user.name, f) : "a factor this mfad does not know"});
    }
    if (user.backup)
        reply.factors.push_back(wire::FactorInfo{kBackupCodesName, "backup_codes", "active", false,
                                                 static_cast<std::uint64_t>(user.backup_created_at),
                                                 static_cast<std::uint64_t>(user.backup_last_used_at),
                                                 "backup codes, " + std::to_string(user.backup_remaining) + " left"});
    return reply;
}

Awaitable<Outcome> set_primary(const RequestContext& ctx, const wire::FactorChangeRequest& request) {
    AuditEntry entry{"", "", "", "", "", ctx.peer.uid, ""};
    auto mark = [user = request.user, name = request.name, now = DaemonState::now(), entry](Store& store) {
        return store.set_primary(user, name, now, entry);
    };
    auto changed = co_await ctx.state.writes->submit<FactorChange>(mark);
    if (!changed) co_return internal_error(ctx, changed.error());
    if (*changed == FactorChange::no_such_factor) co_return refused(ctx, request.user + " has no factor named " + request.name);
    if (*changed == FactorChange::not_active)
        co_return refused(ctx, "factor " + request.name + " is not confirmed yet ('mfactl enroll confirm')");
    journal_audit(AuditEntry{"factor_primary", request.user, "ok", "", "", ctx.peer.uid, "factor=" + request.name});
    co_return Outcome{wire::encode(wire::Done{request.name + " is now the primary factor of " + request.user}, ctx.request_id), {}};
}

// The user removes their own factor with a code from another one; root and
// admin_group remove without one, and say why.
Awaitable<Outcome> remove(const RequestContext& ctx, wire::FactorChangeRequest& request) {
    // The request was authorized for this canonical name; is the peer that user?
    auto target = lookup_user(request.user);
    if (!target) co_return internal_error(ctx, target.error());
    bool own = ctx.peer.uid != 0 && *target && (*target)->uid == ctx.peer.uid;
    if (!own && request.reason.empty()) co_return refused(ctx, "an administrator's removal needs a reason (--reason)");
    if (own) {
        auto user = co_await ctx.state.store->load_user(request.user);
        if (!user) co_return internal_error(ctx, user.error());
        if (!*user || (*user)->factor(request.name) == nullptr)
            co_return refused(ctx, request.user + " has no factor named " + request.name);
        if (auto refusal = co_await check_possession(ctx, request.user, request.code, request.name, true, "factor_remove"))
            co_return std::move(*refusal);
    }
    AuditEntry entry{"", "", "", "", "", ctx.peer.uid, own ? "by=user" : "by=admin reason=" + request.reason};
    auto drop = [user = request.user, name = request.name, now = DaemonState::now(), entry](Store& store) {
        return store.remove_factor(user, name, now, entry);
    };
    auto removed = co_await ctx.state.writes->submit<FactorChange>(drop);
    if (!removed) co_return internal_error(ctx, removed.error());
    if (*removed != FactorChange::changed) co_return refused(ctx, request.user + " has no factor named " + request.name);
    entry.event = "factor_remove";
    entry.user = request.user;
    entry.result = "ok";
    journal_audit(entry);
    co_return Outcome{wire::encode(wire::Done{"factor " + request.name + " removed from " + request.user}, ctx.request_id), {}};
}

}  // namespace

Awaitable<Outcome> handle_factors_list(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_user_request(payload);
    if (auto refused = co_await decode_and_authorize(ctx, request, Action::inspect, "factors")) co_return std::move(*refused);
    auto user = co_await ctx.state.store->load_user(request->user);
    if (!user) co_return internal_error(ctx, user.error());
    UserRecord empty;
    empty.name = request->user;
    auto reply = list(ctx.state, *user ? **user : empty);
    if (ctx.connection.protocol >= wire::kEnrollAtLoginProtocol) reply.recovery_email = shown_recovery_email(ctx.state, *user ? **user : empty);
    co_return Outcome{wire::encode(reply, ctx.request_id), {}};
}

Awaitable<Outcome> handle_factor_change(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_factor_change(payload);
    if (auto refused = co_await admit_write(ctx, request, Action::enroll, "factor_change")) co_return std::move(*refused);
    if (request->action == "primary") {
        OPENSSL_cleanse(request->code.data(), request->code.size());
        co_return co_await set_primary(ctx, *request);
    }
    co_return co_await remove(ctx, *request);
}

}  // namespace mfa::daemon
