#include "server/enroll_at_login.hpp"

#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "factors/factor_registry.hpp"
#include "factors/totp/totp_enrollment.hpp"
#include "factors/totp/totp_secret.hpp"
#include "mfa/qr_code.hpp"
#include "mfa/utc_time.hpp"
#include "server/authorize_user_request.hpp"
#include "server/login_common.hpp"
#include "server/new_backup_codes.hpp"
#include "server/request_handler.hpp"

namespace mfa::daemon {
namespace {

constexpr int kTerminalColumns = 80;
constexpr std::size_t kNoteBytes = 3000;  // well under a frame, on line boundaries

std::string days_left(std::int64_t until, std::int64_t now) {
    std::int64_t days = (until - now + 86399) / 86400;
    return std::to_string(days) + (days == 1 ? " day" : " days");
}

// Until when the user may put enrollment off: an admin's grace, or the
// configured grace from the first login mfad saw (recorded now if this is it),
// for a user who never had a factor. 0: no grace.
Awaitable<Result<std::int64_t>> grace_end(const RequestContext& ctx, const std::string& user, const UserRecord* record,
                                          std::int64_t now) {
    const auto config = ctx.state.config;
    if (record != nullptr && record->grace_until != 0) co_return record->grace_until;
    std::int64_t first = record != nullptr ? record->first_login_at : 0;
    if (config->enrollment.grace.count() == 0 || first == kEverEnrolled) co_return std::int64_t{0};
    if (first == 0) {
        auto note = [user, now](Store& store) { return store.note_first_login(user, now); };
        auto noted = co_await ctx.state.writes->submit<std::int64_t>(note);
        if (!noted) co_return noted.error();
        first = *noted;
    }
    if (first == kEverEnrolled) co_return std::int64_t{0};
    co_return first + config->enrollment.grace.count();
}

// Why the login cannot show an enrollment, for the audit row; empty: it can.
std::string cannot_show(const RequestContext& ctx, const wire::Begin& request) {
    if (ctx.connection.protocol < wire::kEnrollAtLoginProtocol) return "module_too_old";
    if ((request.flags & wire::kSilent) != 0) return "silent";
    if ((request.flags & wire::kNoTerminal) != 0) return "no_terminal";
    return {};
}

Outcome not_enrolled(const RequestContext& ctx, const std::string& message) {
    // Protocol 4 modules show mfad's reason; older ones take an empty frame.
    if (ctx.connection.protocol < wire::kEnrollAtLoginProtocol || message.empty())
        return Outcome{wire::encode_empty(wire::MessageType::not_enrolled, ctx.request_id), {}};
    return Outcome{wire::encode(wire::Done{message}, ctx.request_id, wire::MessageType::not_enrolled), {}};
}

// The QR code as NOTE frames before the step; false when it is wider than a terminal.
bool queue_qr_notes(const RequestContext& ctx, const std::string& uri) {
    auto qr = make_qr(uri);
    if (!qr || qr_columns(*qr) > kTerminalColumns) return false;
    std::string text = render_plain(*qr);
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = std::min(text.size(), at + kNoteBytes);
        if (auto line_end = text.rfind('\n', end - 1); end < text.size() && line_end != std::string::npos && line_end >= at)
            end = line_end + 1;
        ctx.connection.notes.push_back(wire::encode(wire::Note{text.substr(at, end - at - 1)}, ctx.request_id));
        at = end;
    }
    return true;
}

std::string enroll_prompt(const LoginSession& login, std::int64_t now) {
    return login.skip_until > now ? "Code from the app (Enter: later): " : "Code from the app: ";
}

Outcome ask_for_code(const RequestContext& ctx, const LoginSession& login, std::string errors) {
    return login_step(ctx, login, std::move(errors), "", enroll_prompt(login, DaemonState::now()), true);
}

Awaitable<Outcome> skip(const RequestContext& ctx, const LoginSession& login, std::string_view reason,
                        std::int64_t until) {
    ctx.state.counters.add(Counter::enrollments_skipped);
    AuditEntry entry{"enroll_skipped", login.user, "ok", login.service, login.rhost, ctx.peer.uid,
                     "reason=" + std::string(reason) + " until=" + std::to_string(until)};
    std::string message = "Second factor not set up yet: " + days_left(until, DaemonState::now()) + " left (until " +
                          utc_time(until) + "). Set it up at your next login, or now with 'mfactl enroll totp'.";
    co_return co_await login_exempt(ctx, entry, message);
}

// A wrong code at enrollment counts toward the lockout like any wrong code:
// the authenticator a recovery set up must not be guessable online.
Awaitable<Result<AttemptOutcome>> count_failure(const RequestContext& ctx, const LoginSession& login, std::int64_t now) {
    const auto config = ctx.state.config;
    Attempt attempt{login.user, {}, {}, now, config->lockout.max_failures, config->lockout.duration.count(),
                    AuditEntry{"", "", "", login.service, login.rhost, ctx.peer.uid, "enroll_at_login factor=" + login.enrolling->name}};
    auto record = [attempt = std::move(attempt)](Store& store) { return store.record_attempt(attempt); };
    auto outcome = co_await ctx.state.writes->submit<AttemptOutcome>(record);
    if (!outcome) co_return outcome.error();
    for (const auto& entry : outcome->audited) journal_audit(entry);
    ctx.state.counters.add(Counter::verify_fail);
    if (outcome->result != AttemptResult::locked && outcome->locked_until > now) ctx.state.counters.add(Counter::lockouts);
    co_return outcome;
}

Awaitable<Outcome> confirm(const RequestContext& ctx, LoginSession& login, std::string& code, std::int64_t now) {
    const FactorRecord& pending = *login.enrolling;
    auto claim = find_factor(pending.kind)->verify(ctx.state, login.user, pending, code, now);
    OPENSSL_cleanse(code.data(), code.size());
    if (!claim) co_return internal_error(ctx, claim.error());
    EnrollConfirm result = EnrollConfirm::wrong_code;
    if (*claim) {
        AuditEntry entry{"enroll_at_login", login.user, "", login.service, login.rhost, ctx.peer.uid, ""};
        auto store = [user = login.user, id = pending.id, proof = std::move(**claim), now, entry](Store& s) {
            return s.confirm_enrollment(user, id, proof, now, now - kPendingEnrollmentSeconds, entry);
        };
        auto confirmed = co_await ctx.state.writes->submit<EnrollConfirm>(store);
        if (!confirmed) co_return internal_error(ctx, confirmed.error());
        result = *confirmed;
        entry.result = enroll_confirm_name(result);
        entry.detail = "factor=" + pending.name;
        journal_audit(entry);
    }
    if (result == EnrollConfirm::no_pending)
        co_return login_denied(ctx, "The new authenticator could not be confirmed; log in again to start over.");
    if (result == EnrollConfirm::wrong_code) {
        auto counted = co_await count_failure(ctx, login, now);
        if (!counted) co_return internal_error(ctx, counted.error());
        if (counted->locked_until > now) co_return login_locked(ctx, counted->locked_until);
        if (--login.tries_left == 0)
            co_return login_denied(ctx, "Wrong code; the authenticator was not set up. Log in again to start over.", true);
        co_return ask_for_code(ctx, login, "Wrong code, try again (is the phone's clock right?).");
    }
    ctx.state.counters.add(Counter::setups_ok);
    login.at = LoginSession::kOfferBackupCodes;
    std::string info = "Authenticator \"" + pending.name + "\" is set up: from now on, logins ask for its code.";
    co_return login_step(ctx, login, "", info, "Make backup codes now, for when the phone is not at hand? [Y/n]: ", true);
}

Awaitable<Outcome> show_backup_codes(const RequestContext& ctx, LoginSession& login) {
    auto made = co_await make_backup_codes(ctx, login.user);
    if (made.refusal) co_return login_allowed(ctx, "Backup codes could not be made now: make them later with 'mfactl backup-codes generate'.");
    std::string info = "Backup codes (each works once; keep them somewhere safe, they are not shown again):";
    for (std::size_t i = 0; i < made.codes.size(); ++i) info += (i % 4 == 0 ? "\n  " : "  ") + made.codes[i];
    login.at = LoginSession::kBackupCodesShown;
    auto frame = wire::encode(wire::Step{login.id, "", info, "Press Enter once they are saved: ", true}, ctx.request_id);
    OPENSSL_cleanse(info.data(), info.size());
    co_return Outcome{std::move(frame), {}};
}

// The authenticator a recovery's login set up and did not confirm (the
// connection dropped): pending, made after the recovery, not yet stale.
const FactorRecord* pending_after_recovery(const UserRecord& record, std::int64_t now) {
    for (const auto& f : record.factors)
        if (f.state == FactorState::pending && f.kind == "totp" && f.created_at > now - kPendingEnrollmentSeconds)
            return &f;
    return nullptr;
}

}  // namespace

Awaitable<Outcome> begin_without_factor(const RequestContext& ctx, const wire::Begin& request, const std::string& user,
                                        const UserRecord* record) {
    std::int64_t now = DaemonState::now();
    // Wrong enrollment codes lock like wrong login codes.
    if (record != nullptr && record->locked_until > now) co_return login_locked(ctx, record->locked_until);
    // Every path below may write (the grace's start, an audit row, a pending
    // factor): a peer other than root, within its budget. A verdict, not an
    // error, so that fail_mode=open never reads it as "mfad unavailable".
    if (over_write_budget(ctx)) co_return login_denied(ctx, "Too many requests from this user; try again in a minute.");
    // A recovery whose login ended before its new authenticator was confirmed:
    // the next login confirms that one, and never shows a secret again, so the
    // password alone cannot enroll a device of its own in the meantime.
    if (record != nullptr && record->enroll_by > now) {
        const FactorRecord* pending = pending_after_recovery(*record, now);
        if (pending == nullptr || !cannot_show(ctx, request).empty())
            co_return not_enrolled(ctx, "Your recovery was not finished in time; ask your help desk.");
        auto& login = open_login(ctx, request, user, now, {}, record);
        login.enrolling = *pending;
        login.at = LoginSession::kEnrollCode;
        co_return login_step(ctx, login, "", "Finish your recovery: type a code from the authenticator you set up.",
                             enroll_prompt(login, now), true);
    }
    auto until = co_await grace_end(ctx, user, record, now);
    if (!until) co_return internal_error(ctx, until.error());
    bool in_grace = *until > now;
    bool enforced = (request.flags & wire::kEnforceEnrollment) != 0;
    if (!in_grace && !enforced)
        co_return not_enrolled(ctx, *until == 0 ? "" : "The time to set up a second factor ended on " + utc_time(*until) +
                                                            ". Ask your administrator.");
    std::int64_t skip_until = in_grace ? *until : 0;
    if (auto reason = cannot_show(ctx, request); !reason.empty()) {
        LoginSession shown;  // for the audit row only: no login is opened
        shown.user = user;
        shown.service = request.service;
        shown.rhost = request.rhost;
        if (skip_until != 0) co_return co_await skip(ctx, shown, reason, skip_until);
        co_return not_enrolled(ctx, "A second factor must be set up first, and that needs a terminal: log in over ssh or at a console.");
    }
    auto& login = open_login(ctx, request, user, now, {}, record);
    co_return co_await offer_enrollment(ctx, login, skip_until, "");
}

Awaitable<Outcome> offer_enrollment(const RequestContext& ctx, LoginSession& login, std::int64_t skip_until,
                                    std::string_view intro) {
    const std::string name(kTotpDefaultName);  // named: g++ 12 destroys a temporary in a co_await expression twice
    auto started = co_await start_totp_enrollment(ctx, login.user, name);
    // mfad is judging this login now: a refusal (too many pending factors,
    // the store failing) is a verdict, never "mfad unavailable" for fail_mode.
    if (started.refusal)
        co_return login_denied(ctx, "A second factor cannot be set up at login now; ask your administrator.");
    std::int64_t now = DaemonState::now();
    login.enrolling = started.pending;
    login.skip_until = skip_until;
    login.at = LoginSession::kEnrollCode;
    std::string info = intro.empty() ? "" : std::string(intro) + "\n";
    info += "Set up a second factor for " + login.user + " now: ";
    info += queue_qr_notes(ctx, started.uri) ? "scan the QR code above with an authenticator app, or type the secret into it."
                                             : "type this secret into an authenticator app (the QR code would not fit).";
    info += "\nSecret: " + started.secret + "\nURI: " + started.uri;
    if (skip_until > now)
        info += "\nYou may put this off for " + days_left(skip_until, now) + " (until " + utc_time(skip_until) + "): press Enter.";
    auto frame = wire::encode(wire::Step{login.id, "", info, enroll_prompt(login, now), true}, ctx.request_id);
    OPENSSL_cleanse(info.data(), info.size());
    co_return Outcome{std::move(frame), {}};
}

bool at_enrollment(const LoginSession& login) {
    return login.at == LoginSession::kEnrollCode || login.at == LoginSession::kOfferBackupCodes ||
           login.at == LoginSession::kBackupCodesShown;
}

Awaitable<Outcome> answer_enrollment(const RequestContext& ctx, LoginSession& login, std::string& code, bool expired) {
    std::int64_t now = DaemonState::now();
    if (expired) {
        OPENSSL_cleanse(code.data(), code.size());
        co_return login_denied(ctx, "The login timed out.");
    }
    switch (login.at) {
        case LoginSession::kEnrollCode:
            if (!code.empty()) co_return co_await confirm(ctx, login, code, now);
            if (login.skip_until > now) co_return co_await skip(ctx, login, "user", login.skip_until);
            if (--login.tries_left == 0) co_return login_denied(ctx, "No code given; the authenticator was not set up.", true);
            co_return ask_for_code(ctx, login, "A second factor is required now: type the code the app shows.");
        case LoginSession::kOfferBackupCodes:
            if (code == "n" || code == "N" || code == "no") co_return login_allowed(ctx, "");
            co_return co_await show_backup_codes(ctx, login);
        default: co_return login_allowed(ctx, "");
    }
}

}  // namespace mfa::daemon
