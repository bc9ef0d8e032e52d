// BEGIN and ANSWER: the login state machine of one connection.
#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "auth/authority.hpp"
#include "auth/backup_codes.hpp"
#include "auth/totp_match.hpp"
#include "mfa/utc_time.hpp"
#include "mfa/wire/login_messages.hpp"
#include "server/request_handler.hpp"

namespace mfa::daemon {
namespace {

Outcome reply(const RequestContext&, wire::FrameWriter frame) { return Outcome{std::move(frame), {}}; }

Outcome violation(const RequestContext& ctx, const std::string& reason) {
    return Outcome{ctx.error(wire::ErrorCode::malformed, reason), reason};
}

Outcome locked(const RequestContext& ctx, std::int64_t until) {
    ctx.connection.login.reset();
    return reply(ctx, wire::encode(wire::Locked{static_cast<std::uint64_t>(until)}, ctx.request_id));
}

// The help desk disabled this user's MFA: the login skips the second factor
// (PAM_IGNORE), and that is audited like any other way in.
Awaitable<Outcome> exempt(const RequestContext& ctx, const AuditEntry& entry, std::int64_t until) {
    journal_audit(entry);
    if (auto rc = co_await audit(ctx, entry); !rc) co_return internal_error(ctx, rc.error());
    std::string message = "Your second factor was disabled by the help desk until " + utc_time(until) +
                          ". Set up your authenticator again now: mfactl enroll totp";
    co_return reply(ctx, wire::encode(wire::Done{message}, ctx.request_id, wire::MessageType::exempt));
}

std::optional<std::vector<std::uint8_t>> backup_candidate(const std::optional<BackupCodeSalt>& salt,
                                                          std::string_view code) {
    if (!salt || !looks_like_backup_code(code)) return std::nullopt;  // no hashing for a TOTP-shaped answer
    auto hash = hash_backup_code(code, *salt);
    return hash ? std::optional(std::move(*hash)) : std::nullopt;
}

std::string backup_message(const AttemptOutcome& outcome) {
    if (!outcome.by_backup_code || outcome.backup_remaining > 2) return {};
    return "Backup code accepted. " + std::to_string(outcome.backup_remaining) +
           " left: make a new set with 'mfactl backup-codes generate'.";
}

void count(Counters& counters, const AttemptOutcome& outcome, std::int64_t now) {
    if (outcome.result == AttemptResult::not_enrolled) return;  // no attempt was made
    counters.add(outcome.result == AttemptResult::accepted ? Counter::verify_ok : Counter::verify_fail);
    if (outcome.by_backup_code) counters.add(Counter::backup_codes_used);
    if (outcome.result != AttemptResult::locked && outcome.locked_until > now) counters.add(Counter::lockouts);
}

}  // namespace

Awaitable<Outcome> handle_begin(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_begin(payload);
    if (!request) co_return violation(ctx, request.error().message);
    ctx.connection.login.reset();
    auto reason = refusal(ctx.peer, request->user, Action::login, ctx.state.config->admin_group);
    if (!reason.empty()) {
        if (!acceptable_user_name(request->user))
            co_return reply(ctx, ctx.error(wire::ErrorCode::permission_denied, reason));
        AuditEntry entry{"verify_fail", request->user, "unauthorized", request->service, request->rhost, ctx.peer.uid, ""};
        co_return co_await permission_denied(ctx, entry, reason);
    }

    auto user = ctx.state.store->load_user(request->user);
    if (!user) co_return internal_error(ctx, user.error());
    std::int64_t now = DaemonState::now();
    bool active = *user && (*user)->totp && (*user)->totp->state == FactorState::active;
    if (!active && *user && (*user)->disabled_until > now) {
        AuditEntry entry{"exempt", request->user, "ok", request->service, request->rhost, ctx.peer.uid,
                         "disabled_until=" + std::to_string((*user)->disabled_until)};
        co_return co_await exempt(ctx, entry, (*user)->disabled_until);
    }
    if (!active) co_return reply(ctx, wire::encode_empty(wire::MessageType::not_enrolled, ctx.request_id));
    if ((*user)->locked_until > now) co_return locked(ctx, (*user)->locked_until);

    LoginSession session{++ctx.connection.last_session_id, request->user, request->service, request->rhost, now,
                         (*user)->totp->sealed_secret, (*user)->backup};
    ctx.connection.login = session;
    co_return reply(ctx, wire::encode(wire::Challenge{session.id, "totp", "Verification code: "}, ctx.request_id));
}

Awaitable<Outcome> handle_answer(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_answer(payload);
    if (!request) co_return violation(ctx, request.error().message);
    auto& login = ctx.connection.login;
    if (!login || login->id != request->session) co_return violation(ctx, "ANSWER without a matching BEGIN");
    std::int64_t now = DaemonState::now();
    if (now - login->started > kLoginSessionSeconds) {
        login.reset();
        co_return reply(ctx, wire::encode(wire::Deny{"the login timed out"}, ctx.request_id));
    }

    auto secret = ctx.state.box->open(login->user, "totp", login->sealed_secret);
    if (!secret) co_return internal_error(ctx, secret.error());
    // A reload may replace the config while this request waits: keep this one alive.
    const auto config = ctx.state.config;
    auto step = match_totp(secret->view(), request->code, now, config->totp);
    Attempt attempt{login->user, login->sealed_secret, now, step,
                    step ? std::nullopt : backup_candidate(login->backup, request->code),
                    config->lockout.max_failures, config->lockout.duration.count(),
                    AuditEntry{"", "", "", login->service, login->rhost, ctx.peer.uid, ""}};
    OPENSSL_cleanse(request->code.data(), request->code.size());

    auto record = [attempt = std::move(attempt)](Store& store) { return store.record_attempt(attempt); };
    auto outcome = co_await ctx.state.writes->submit<AttemptOutcome>(record);
    if (!outcome) co_return internal_error(ctx, outcome.error());
    for (const auto& entry : outcome->audited) journal_audit(entry);
    count(ctx.state.counters, *outcome, now);
    switch (outcome->result) {
        case AttemptResult::not_enrolled:
            login.reset();  // reset or enrolled anew since BEGIN
            co_return reply(ctx, wire::encode_empty(wire::MessageType::not_enrolled, ctx.request_id));
        case AttemptResult::accepted:
            login.reset();
            co_return reply(ctx, wire::encode(wire::Done{backup_message(*outcome)}, ctx.request_id, wire::MessageType::allow));
        case AttemptResult::locked: co_return locked(ctx, outcome->locked_until);
        case AttemptResult::rejected:
        case AttemptResult::replayed:
            if (outcome->locked_until > now) co_return locked(ctx, outcome->locked_until);
            co_return reply(ctx, wire::encode(wire::Deny{"wrong code"}, ctx.request_id));
    }
    co_return internal_error(ctx, make_error("unknown attempt result"));
}

}  // namespace mfa::daemon
