// ENROLL_START, ENROLL_CONFIRM and USER_STATUS.
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "audit/audit_journal.hpp"
#include "auth/totp_match.hpp"
#include "mfa/base32.hpp"
#include "mfa/otpauth_uri.hpp"
#include "mfa/wire/login_messages.hpp"
#include "server/authorize_user_request.hpp"

namespace mfa::daemon {
namespace {

constexpr std::size_t kSecretBytes = 20;  // 160 bits, RFC 4226's recommendation

AuditEntry audit_for(const RequestContext& ctx, const std::string& user) {
    return AuditEntry{"", user, "", "", "", ctx.peer.uid, ""};
}

}  // namespace

Awaitable<Outcome> handle_enroll_start(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_user_request(payload);
    if (auto refused = co_await decode_and_authorize(ctx, request, Action::enroll, "enroll_start")) co_return std::move(*refused);
    if (auto busy = over_write_budget(ctx)) co_return std::move(*busy);
    // A reload may replace the config while this request waits: keep this one alive.
    const auto config = ctx.state.config;

    SecretBytes secret(kSecretBytes);
    if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1)
        co_return internal_error(ctx, make_error("RAND_bytes failed"));
    auto sealed = ctx.state.box->seal(request->user, "totp", secret.view());
    if (!sealed) co_return internal_error(ctx, sealed.error());

    AuditEntry entry = audit_for(ctx, request->user);
    ctx.state.counters.add(Counter::setup_attempts);
    auto start = [user = request->user, sealed = std::move(*sealed), now = DaemonState::now(), entry](
                     Store& store) mutable { return store.start_enrollment(user, std::move(sealed), now, entry); };
    auto started = co_await ctx.state.writes->submit<EnrollStart>(start);
    if (!started) co_return internal_error(ctx, started.error());
    entry.event = "enroll_start";
    entry.result = *started == EnrollStart::started ? "ok" : "already_enabled";
    journal_audit(entry);
    if (*started == EnrollStart::already_enabled) {
        ctx.state.counters.add(Counter::already_enabled);
        co_return Outcome{ctx.error(wire::ErrorCode::refused,
                                 "already enabled: " + request->user + " has an active authenticator; an admin must reset it first"),
                       {}};
    }

    OtpauthUri uri{config->issuer, request->user, {secret.data(), secret.data() + secret.size()},
                   config->totp.algorithm, config->totp.digits, config->totp.period};
    wire::EnrollSecret reply{request->user, base32::encode(uri.secret), build_otpauth_uri(uri)};
    OPENSSL_cleanse(uri.secret.data(), uri.secret.size());
    auto frame = wire::encode(reply, ctx.request_id);
    OPENSSL_cleanse(reply.secret.data(), reply.secret.size());
    OPENSSL_cleanse(reply.uri.data(), reply.uri.size());
    co_return Outcome{std::move(frame), {}};
}

Awaitable<Outcome> handle_enroll_confirm(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_enroll_confirm(payload);
    if (auto refused = co_await decode_and_authorize(ctx, request, Action::enroll, "enroll_confirm")) co_return std::move(*refused);
    if (auto busy = over_write_budget(ctx)) co_return std::move(*busy);
    std::int64_t now = DaemonState::now();
    std::int64_t pending_since = now - kPendingEnrollmentSeconds;
    auto user = ctx.state.store->load_user(request->user);
    if (!user) co_return internal_error(ctx, user.error());
    const auto* totp = *user && (*user)->totp ? &*(*user)->totp : nullptr;
    if (totp == nullptr || totp->state != FactorState::pending || totp->created_at < pending_since)
        co_return Outcome{ctx.error(wire::ErrorCode::refused, "no pending enrollment: start one with 'mfactl enroll totp'"), {}};

    auto secret = ctx.state.box->open(request->user, "totp", totp->sealed_secret);
    if (!secret) co_return internal_error(ctx, secret.error());
    auto step = match_totp(secret->view(), request->code, now, ctx.state.config->totp);
    OPENSSL_cleanse(request->code.data(), request->code.size());

    AuditEntry entry = audit_for(ctx, request->user);
    entry.event = "enroll_confirm";
    if (!step) {
        entry.result = "fail";
        journal_audit(entry);
        if (auto rc = co_await audit(ctx, entry); !rc) co_return internal_error(ctx, rc.error());
        co_return Outcome{ctx.error(wire::ErrorCode::refused, "wrong code: check the authenticator's clock and try again"), {}};
    }
    auto confirm = [user = request->user, step = *step, now, pending_since, entry](Store& store) {
        return store.confirm_enrollment(user, step, now, pending_since, entry);
    };
    auto confirmed = co_await ctx.state.writes->submit<EnrollConfirm>(confirm);
    if (!confirmed) co_return internal_error(ctx, confirmed.error());
    entry.result = *confirmed == EnrollConfirm::confirmed ? "ok" : "no_pending";
    journal_audit(entry);
    if (*confirmed != EnrollConfirm::confirmed)
        co_return Outcome{ctx.error(wire::ErrorCode::refused, "no pending enrollment: start one with 'mfactl enroll totp'"), {}};
    ctx.state.counters.add(Counter::setups_ok);
    co_return Outcome{wire::encode(wire::Done{"authenticator enabled for " + request->user}, ctx.request_id), {}};
}

Awaitable<Outcome> handle_user_status(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_user_request(payload);
    if (auto refused = co_await decode_and_authorize(ctx, request, Action::inspect, "status")) co_return std::move(*refused);
    auto user = ctx.state.store->load_user(request->user);
    if (!user) co_return internal_error(ctx, user.error());
    wire::UserStatusReply reply{request->user, "", 0, 0, 0, 0};
    if (*user) {
        const UserRecord& record = **user;
        if (record.totp && record.totp->state == FactorState::active) {
            reply.factors = "totp";
            reply.enrolled_at = static_cast<std::uint64_t>(record.totp->confirmed_at);
        }
        reply.last_verified_at = static_cast<std::uint64_t>(record.last_verified_at);
        reply.failures = static_cast<std::uint32_t>(record.failures);
        std::int64_t now = DaemonState::now();
        if (record.locked_until > now) reply.locked_until = static_cast<std::uint64_t>(record.locked_until);
        reply.backup_remaining = static_cast<std::uint32_t>(record.backup_remaining);
        bool active = record.totp && record.totp->state == FactorState::active;
        if (!active && record.disabled_until > now) reply.disabled_until = static_cast<std::uint64_t>(record.disabled_until);
    }
    co_return Outcome{wire::encode(reply, ctx.request_id), {}};
}

}  // namespace mfa::daemon
