// ENROLL_START, ENROLL_CONFIRM and USER_STATUS, for every kind of factor.
#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "factors/factor_registry.hpp"
#include "factors/push/push_wait.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "server/authorize_user_request.hpp"
#include "server/possession.hpp"
#include "server/recovery_email_requests.hpp"

namespace mfa::daemon {
namespace {

// A new factor for a user who already has one logs that user in, like a
// backup code: root may add it, and the user with a current code from a
// factor they hold; admin_group only enrolls users who have none yet.
// nullopt: go ahead. `code` is wiped.
Awaitable<std::optional<Outcome>> may_add_factor(const RequestContext& ctx, const std::string& user, std::string& code,
                                                 std::string_view event) {
    if (ctx.peer.uid == 0) {
        OPENSSL_cleanse(code.data(), code.size());
        co_return std::nullopt;
    }
    auto record = co_await ctx.state.store->load_user(user);
    if (!record) {
        OPENSSL_cleanse(code.data(), code.size());
        co_return internal_error(ctx, record.error());
    }
    if (!*record || (*record)->active().empty()) {
        OPENSSL_cleanse(code.data(), code.size());
        co_return std::nullopt;
    }
    auto target = lookup_user(user);
    if (!target) {
        OPENSSL_cleanse(code.data(), code.size());
        co_return internal_error(ctx, target.error());
    }
    if (!*target || (*target)->uid != ctx.peer.uid) {
        OPENSSL_cleanse(code.data(), code.size());
        AuditEntry entry{std::string(event), user, "unauthorized", "", "", ctx.peer.uid, "already_enrolled"};
        std::string reason = user + " already has a factor: only root or " + user + " may add another";
        co_return co_await permission_denied(ctx, entry, reason);
    }
    co_return co_await check_possession(ctx, user, code, "", true, "enroll");
}

}  // namespace

Awaitable<Outcome> handle_enroll_start(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_enroll_start(payload);
    if (auto refused = co_await admit_write(ctx, request, Action::enroll, "enroll_start")) co_return std::move(*refused);
    if (auto refused = co_await may_add_factor(ctx, request->user, request->code, "enroll_start")) co_return std::move(*refused);
    const Factor* factor = find_factor(request->kind);
    if (factor == nullptr)
        co_return Outcome{ctx.error(wire::ErrorCode::refused, "unknown factor kind: " + printable(request->kind)), {}};
    if (request->name.empty()) request->name = factor->default_name();
    co_return co_await factor->enroll(ctx, *request);
}

Awaitable<Outcome> handle_enroll_confirm(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_enroll_confirm(payload);
    if (auto refused = co_await admit_write(ctx, request, Action::enroll, "enroll_confirm")) co_return std::move(*refused);
    // An admin's pending factor for a user who has enrolled since: not confirmed.
    // The user's own confirmation needs no code: the start was proven.
    bool admin_for_another = false;
    if (ctx.peer.uid != 0) {
        auto target = lookup_user(request->user);
        if (!target) co_return internal_error(ctx, target.error());
        admin_for_another = !(*target && (*target)->uid == ctx.peer.uid);
        std::string none;
        if (admin_for_another)
            if (auto refused = co_await may_add_factor(ctx, request->user, none, "enroll_confirm")) co_return std::move(*refused);
    }
    // mfactl enroll push confirms the factor whose test request this connection sent.
    if (request->factor.empty() && ctx.connection.enrolling_push && ctx.connection.enrolling_push->user == request->user)
        request->factor = ctx.connection.enrolling_push->factor_name;
    std::int64_t now = DaemonState::now();
    std::int64_t pending_since = now - kPendingEnrollmentSeconds;
    auto user = co_await ctx.state.store->load_user(request->user);
    if (!user) co_return internal_error(ctx, user.error());
    // The named pending factor, or the only one.
    const FactorRecord* pending = nullptr;
    int candidates = 0;
    const std::vector<FactorRecord> none;
    for (const auto& f : *user ? (*user)->factors : none) {
        if (f.state != FactorState::pending || f.created_at < pending_since || find_factor(f.kind) == nullptr) continue;
        if (!request->factor.empty() && f.name != request->factor) continue;
        pending = &f;
        ++candidates;
    }
    if (pending == nullptr)
        co_return Outcome{ctx.error(wire::ErrorCode::refused, "no pending enrollment: start one with 'mfactl enroll totp'"), {}};
    if (candidates > 1)
        co_return Outcome{ctx.error(wire::ErrorCode::refused, "several enrollments are pending: name one with --factor"), {}};

    auto claim = co_await find_factor(pending->kind)->confirm(ctx, request->user, *pending, request->code, now);
    OPENSSL_cleanse(request->code.data(), request->code.size());
    if (!claim) co_return internal_error(ctx, claim.error());
    // A push's confirmation waited for a person: the user may have enrolled meanwhile.
    std::string no_code;
    if (admin_for_another)
        if (auto refused = co_await may_add_factor(ctx, request->user, no_code, "enroll_confirm")) co_return std::move(*refused);
    AuditEntry entry{"enroll_confirm", request->user, "fail", "", "", ctx.peer.uid, "factor=" + pending->name};
    if (!*claim) {
        journal_audit(entry);
        if (auto rc = co_await audit(ctx, entry); !rc) co_return internal_error(ctx, rc.error());
        co_return Outcome{ctx.error(wire::ErrorCode::refused,
                                    pending->kind == "push"
                                        ? "the test request was not approved (or not with the number shown): start again with 'mfactl enroll push'"
                                        : "wrong code: check the code (and the authenticator's clock) and try again"),
                          {}};
    }
    auto confirm = [user = request->user, id = pending->id, proof = std::move(**claim), now, pending_since, entry](Store& store) {
        return store.confirm_enrollment(user, id, proof, now, pending_since, entry);
    };
    auto confirmed = co_await ctx.state.writes->submit<EnrollConfirm>(confirm);
    if (!confirmed) co_return internal_error(ctx, confirmed.error());
    entry.result = enroll_confirm_name(*confirmed);
    journal_audit(entry);
    if (*confirmed == EnrollConfirm::wrong_code)
        co_return Outcome{ctx.error(wire::ErrorCode::refused, "wrong code, or one that can no longer be used: try again, or start over"), {}};
    if (*confirmed != EnrollConfirm::confirmed)
        co_return Outcome{ctx.error(wire::ErrorCode::refused, "no pending enrollment: start one with 'mfactl enroll totp'"), {}};
    ctx.state.counters.add(Counter::setups_ok);
    std::string what = pending->kind == "totp" ? "authenticator" : pending->kind + " factor";
    co_return Outcome{wire::encode(wire::Done{what + " \"" + pending->name + "\" enabled for " + request->user}, ctx.request_id), {}};
}

Awaitable<Outcome> handle_user_status(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_user_request(payload);
    if (auto refused = co_await decode_and_authorize(ctx, request, Action::inspect, "status")) co_return std::move(*refused);
    auto user = co_await ctx.state.store->load_user(request->user);
    if (!user) co_return internal_error(ctx, user.error());
    wire::UserStatusReply reply{request->user, "", 0, 0, 0, 0};
    if (*user) {
        const UserRecord& record = **user;
        for (const auto* f : record.active()) {
            reply.factors += (reply.factors.empty() ? "" : ",") + f->kind;
            if (reply.enrolled_at == 0) reply.enrolled_at = static_cast<std::uint64_t>(f->confirmed_at);
        }
        reply.last_verified_at = static_cast<std::uint64_t>(record.last_verified_at);
        reply.failures = static_cast<std::uint32_t>(record.failures);
        std::int64_t now = DaemonState::now();
        if (record.locked_until > now) reply.locked_until = static_cast<std::uint64_t>(record.locked_until);
        reply.backup_remaining = static_cast<std::uint32_t>(record.backup_remaining);
        if (record.active().empty() && record.disabled_until > now) reply.disabled_until = static_cast<std::uint64_t>(record.disabled_until);
        if (ctx.connection.protocol >= wire::kEnrollAtLoginProtocol) reply.recovery_email = shown_recovery_email(ctx.state, record);
    }
    co_return Outcome{wire::encode(reply, ctx.request_id), {}};
}

}  // namespace mfa::daemon
