// BEGIN and ANSWER: the login state machine of one connection.
#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "auth/authority.hpp"
#include "factors/backup_codes/backup_codes.hpp"
#include "factors/factor_registry.hpp"
#include "mfa/utc_time.hpp"
#include "mfa/wire/login_messages.hpp"
#include "server/authorize_user_request.hpp"
#include "server/enroll_at_login.hpp"
#include "server/login_common.hpp"
#include "server/login_menu.hpp"
#include "server/login_policy.hpp"
#include "server/push_at_login.hpp"
#include "server/recovery_at_login.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

Outcome reply(const RequestContext&, wire::FrameWriter frame) { return Outcome{std::move(frame), {}}; }

Outcome violation(const RequestContext& ctx, const std::string& reason) {
    return Outcome{ctx.error(wire::ErrorCode::malformed, reason), reason};
}

Outcome denied(const RequestContext& ctx, std::string message, bool exhausted = false) {
    return login_denied(ctx, std::move(message), exhausted);
}

std::string backup_message(const AttemptOutcome& outcome) {
    if (!outcome.by_backup_code || outcome.backup_remaining > 2) return {};
    return "Backup code accepted. " + std::to_string(outcome.backup_remaining) +
           " left: make a new set with 'mfactl backup-codes generate'.";
}

void count(Counters& counters, const AttemptOutcome& outcome, std::int64_t now) {
    if (outcome.result == AttemptResult::factor_changed) return;  // no attempt was made
    counters.add(outcome.result == AttemptResult::accepted ? Counter::verify_ok : Counter::verify_fail);
    if (outcome.by_backup_code) counters.add(Counter::backup_codes_used);
    if (outcome.result != AttemptResult::locked && outcome.locked_until > now) counters.add(Counter::lockouts);
}


// Moves the login to the menu entry `choice` and shows its prompt; a factor
// that sends a code sends it now. A factor that cannot be used now (a cap,
// the sender down) leaves the login where it was, with the reason shown.
Awaitable<Outcome> choose(const RequestContext& ctx, LoginSession& login, int choice) {
    if (choice == LoginSession::kRecoveryCode) co_return co_await request_recovery(ctx, login, false);
    if (choice == LoginSession::kBackupCodes) {
        login.at = choice;
        login.step_prompt = "Backup code: ";
        co_return reply(ctx, ask_again(ctx, login, ""));
    }
    const FactorRecord& factor = login.factors[static_cast<std::size_t>(choice)];
    const Factor* kind = find_factor(factor.kind);
    auto challenge = co_await kind->challenge(ctx, login, factor);
    if (!challenge.refusal.empty()) {
        if (login.at == LoginSession::kMenu && !has_menu(login)) {
            // The only factor cannot be used: backup codes are what is left.
            if (!login.backup) co_return denied(ctx, challenge.refusal);
            login.at = LoginSession::kBackupCodes;
            login.step_prompt = "Backup code: ";
        }
        co_return reply(ctx, ask_again(ctx, login, challenge.refusal));
    }
    login.at = choice;
    login.step_prompt = challenge.prompt;
    login.push = std::move(challenge.push);
    // A push's prompt is echoed: the module takes Enter at a hidden prompt for giving up.
    bool echo = login.push != nullptr;
    co_return reply(ctx, wire::encode(wire::Step{login.id, "", challenge.info, challenge.prompt, echo}, ctx.request_id));
}

// The active factors this build knows, the primary first.
std::vector<FactorRecord> login_factors(const UserRecord& user) {
    std::vector<FactorRecord> out;
    for (const auto* f : user.active())
        if (find_factor(f->kind) != nullptr) out.insert(f->primary ? out.begin() : out.end(), *f);
    return out;
}

}  // namespace

Awaitable<Outcome> handle_begin(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_begin(payload);
    if (!request) co_return violation(ctx, request.error().message);
    ctx.connection.login.reset();
    auto allowed = authorize(ctx.peer, request->user, Action::login, ctx.state.config->admin_group);
    if (!allowed.user)
        co_return co_await refuse_user_request(ctx, request->user, allowed, "verify_fail", request->service,
                                               request->rhost);
    const std::string& name = allowed.user->name;
    if (auto skipped = co_await policy_exemption(ctx, *request, *allowed.user)) co_return std::move(*skipped);

    auto user = co_await ctx.state.store->load_user(name);
    if (!user) co_return internal_error(ctx, user.error());
    const auto config = ctx.state.config;
    std::int64_t now = DaemonState::now();
    auto factors = *user ? login_factors(**user) : std::vector<FactorRecord>();
    if (factors.empty() && *user && (*user)->disabled_until > now) {
        AuditEntry entry{"exempt", name, "ok", request->service, request->rhost, ctx.peer.uid,
                         "disabled_until=" + std::to_string((*user)->disabled_until)};
        std::string message = "Your second factor was disabled by the help desk until " +
                              utc_time((*user)->disabled_until) + ". Set up your authenticator again now: mfactl enroll totp";
        co_return co_await login_exempt(ctx, entry, message);
    }
    if (factors.empty()) co_return co_await begin_without_factor(ctx, *request, name, *user ? &**user : nullptr);
    if ((*user)->locked_until > now) co_return login_locked(ctx, (*user)->locked_until);

    auto& login = open_login(ctx, *request, name, now, std::move(factors), &**user);
    if (recovery_offered(*config, **user)) {
        login.recovery_email = (*user)->recovery_email;
        login.recovery_code_expires = (*user)->recovery_code_expires;
    }
    // The fast path: one factor's prompt comes in the reply to BEGIN.
    if (!has_menu(login)) co_return co_await choose(ctx, login, 0);
    co_return reply(ctx, wire::encode(menu_step(ctx.state, login, ""), ctx.request_id));
}

// mfad failed on this login's answer: the login is denied (the module never
// fails open after the challenge), and the failure is audited when the store
// can still take a row (not in an outage).
Awaitable<Outcome> failed_inside(const RequestContext& ctx, const LoginSession& login, const Error& error) {
    AuditEntry entry{"verify_fail", login.user, "internal_error", login.service, login.rhost, ctx.peer.uid, ""};
    journal_audit(entry);
    auto outcome = internal_error(ctx, error);
    ctx.connection.login.reset();
    // In an outage the row would wait out a second deadline and fail too;
    // the journal has the line.
    if (error.outage) co_return outcome;
    if (auto rc = co_await audit(ctx, entry); !rc) log::failure("the audit row of a failed login was lost", rc.error());
    co_return outcome;
}

Awaitable<Outcome> handle_answer(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_answer(payload);
    if (!request) co_return violation(ctx, request.error().message);
    auto& login = ctx.connection.login;
    if (!login || login->id != request->session) {
        OPENSSL_cleanse(request->code.data(), request->code.size());
        co_return violation(ctx, "ANSWER without a matching BEGIN");
    }
    std::int64_t now = DaemonState::now();
    // A reload may replace the config while this request waits: keep this one alive.
    const auto config = ctx.state.config;
    bool expired = now - login->started > config->connections.login_timeout.count();
    bool usable = !expired && request->code.size() <= wire::kMaxCode;

    if (at_enrollment(*login)) co_return co_await answer_enrollment(ctx, *login, request->code, expired);
    // A menu choice, or a request for a new code, is no attempt: nothing is counted.
    if (usable && login->at == LoginSession::kRecoveryCode && request->code == "r")
        co_return co_await request_recovery(ctx, *login, true);
    if (usable && login->at == LoginSession::kMenu)
        if (auto choice = menu_choice(*login, request->code)) co_return co_await choose(ctx, *login, *choice);
    if (usable && login->at >= 0 &&
        find_factor(login->factors[static_cast<std::size_t>(login->at)].kind)->is_resend_request(request->code))
        co_return co_await choose(ctx, *login, login->at);

    // Too late, too long or not text: judged as a wrong code, never as a broken request.
    std::vector<Claim> claims;
    bool push_approval = false;
    if (login->push && login->at >= 0 && !(login->backup && looks_like_backup_code(request->code))) {
        // At a push's prompt: Enter once approved, or to go back.
        OPENSSL_cleanse(request->code.data(), request->code.size());
        auto settled = co_await settle_push(ctx, *login, expired);
        if (settled.outcome) co_return std::move(*settled.outcome);
        claims.push_back(std::move(*settled.approval));
        push_approval = true;
    } else if (usable) {
        auto made = claims_for(ctx.state, *login, request->code, now);
        if (!made) {
            OPENSSL_cleanse(request->code.data(), request->code.size());
            co_return co_await failed_inside(ctx, *login, made.error());
        }
        claims = std::move(*made);
    }
    OPENSSL_cleanse(request->code.data(), request->code.size());
    Attempt attempt{login->user, factor_ids(*login), std::move(claims), now, config->lockout.max_failures,
                    config->lockout.duration.count(),
                    AuditEntry{"", "", "", login->service, login->rhost, ctx.peer.uid, expired ? "expired" : ""}};

    auto record = [attempt = std::move(attempt)](Store& store) { return store.record_attempt(attempt); };
    auto outcome = co_await ctx.state.writes->submit<AttemptOutcome>(record);
    if (!outcome) co_return co_await failed_inside(ctx, *login, outcome.error());
    for (const auto& entry : outcome->audited) journal_audit(entry);
    count(ctx.state.counters, *outcome, now);
    switch (outcome->result) {
        case AttemptResult::factor_changed:
            co_return denied(ctx, "Your second factor changed during this login; log in again.");
        case AttemptResult::accepted:
            if (outcome->recovered) co_return co_await recovered(ctx, *login);
            co_return login_allowed(ctx, backup_message(*outcome));
        case AttemptResult::locked: co_return login_locked(ctx, outcome->locked_until);
        case AttemptResult::rejected:
        case AttemptResult::replayed:
            if (outcome->locked_until > now) co_return login_locked(ctx, outcome->locked_until);
            if (expired) co_return denied(ctx, "The login timed out.");
            if (--login->tries_left == 0) co_return denied(ctx, "Wrong code.", true);
            if (push_approval) co_return approval_not_spent(ctx, *login);
            bool spent_code = outcome->challenge == ChallengeState::used_up || outcome->challenge == ChallengeState::expired;
            co_return reply(ctx, ask_again(ctx, *login,
                                           spent_code ? "That code can no longer be used; type r for a new one."
                                                      : "Wrong code, try again."));
    }
    auto unknown = make_error("unknown attempt result");
    co_return co_await failed_inside(ctx, *login, unknown);
}

}  // namespace mfa::daemon
