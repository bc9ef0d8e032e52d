#include "server/recovery_at_login.hpp"

#include <openssl/crypto.h>

#include "mfa/email_address.hpp"
#include "mfa/utc_time.hpp"
#include "sender/email_codes.hpp"
#include "sender/sent_codes.hpp"
#include "server/authorize_user_request.hpp"
#include "server/enroll_at_login.hpp"
#include "server/login_common.hpp"
#include "server/login_menu.hpp"

namespace mfa::daemon {
namespace {

constexpr std::string_view kPrompt = "Recovery code from the email (r: send a new one): ";
// Requests (each audited, sent or refused) one login may make: a new code
// and a resend. More would let one login write rows without limit.
constexpr int kRequestsPerLogin = 2;

// Where the login is, again, with `errors`: the menu, or the code's prompt.
Outcome refuse_here(const RequestContext& ctx, const LoginSession& login, std::string errors) {
    if (login.at == LoginSession::kRecoveryCode) return login_step(ctx, login, std::move(errors), "", login.step_prompt, false);
    return Outcome{wire::encode(menu_step(ctx.state, login, std::move(errors)), ctx.request_id), {}};
}

// The recovery address, opened for one send; empty when it cannot be.
std::string open_address(const DaemonState& state, const LoginSession& login) {
    auto address = state.box->open(login.user, kRecoveryEmailField, login.recovery_email);
    if (!address) return {};
    return std::string(address->view().begin(), address->view().end());
}

}  // namespace

bool recovery_offered(const Config& config, const UserRecord& user) {
    return config.recovery.email && !user.recovery_email.empty();
}

Awaitable<Outcome> request_recovery(const RequestContext& ctx, LoginSession& login, bool resend) {
    const auto config = ctx.state.config;
    std::int64_t now = DaemonState::now();
    std::string address = open_address(ctx.state, login);
    if (address.empty()) co_return refuse_here(ctx, login, "The recovery address cannot be read; call your help desk.");
    std::string masked = mask_email_address(address);
    if (!resend && login.recovery_code_expires > now) {
        login.at = LoginSession::kRecoveryCode;
        login.step_prompt = std::string(kPrompt);
        std::string info = "A recovery code went to " + masked + " earlier; it is valid until " +
                           utc_time(login.recovery_code_expires) + ".";
        co_return login_step(ctx, login, "", info, login.step_prompt, false);
    }
    if (login.recovery_requests >= kRequestsPerLogin || over_write_budget(ctx)) {
        OPENSSL_cleanse(address.data(), address.size());
        co_return refuse_here(ctx, login, "No more recovery codes in this login; log in again later.");
    }
    ++login.recovery_requests;
    AuditEntry where{"recovery_requested", login.user, "", login.service, login.rhost, ctx.peer.uid, ""};
    std::vector<std::uint8_t> no_pending_address;
    auto sent = co_await send_mail_code(ctx, login.user, MailPurpose::recover, address, no_pending_address, where);
    OPENSSL_cleanse(address.data(), address.size());
    if (!sent.sent) co_return refuse_here(ctx, login, sent.refusal);
    login.at = LoginSession::kRecoveryCode;
    login.step_prompt = std::string(kPrompt);
    login.recovery_code_expires = now + config->recovery.code_ttl.count();
    std::string info = "A recovery code was emailed to " + masked + "; it is valid until " +
                       utc_time(login.recovery_code_expires) + ". Typing it removes your factors and backup codes, " +
                       "then you set up a new authenticator.";
    co_return login_step(ctx, login, "", info, login.step_prompt, false);
}

Result<std::optional<Claim>> recovery_claim(const DaemonState& state, const LoginSession& login, std::string_view code,
                                            std::int64_t now) {
    if (code.size() != static_cast<std::size_t>(kMailCodeLength)) return std::optional<Claim>();
    auto hash = state.codes->hash_mail_code(login.user, 2, code);
    if (!hash) return hash.error();
    Claim claim{Claim::Spend::recovery_code, 0, 0, std::move(*hash), "recovery_code"};
    claim.enroll_by = now + state.config->recovery.code_ttl.count();
    return std::optional<Claim>(std::move(claim));
}

Awaitable<Outcome> recovered(const RequestContext& ctx, LoginSession& login) {
    const auto config = ctx.state.config;
    ctx.state.counters.add(Counter::recoveries);
    std::string address = open_address(ctx.state, login);
    if (!address.empty()) {
        std::string when = utc_time(DaemonState::now());
        std::string body = "The second factor of " + login.user + " was reset at " + when + " on host " + host_name() +
                           (login.rhost.empty() ? "" : " (login from " + login.rhost + ")") +
                           " with a recovery code sent to this address.\n\nIf this was not you, call your help desk now.";
        std::string subject = "Your " + mail_product_name(*config) + " second factor was reset";
        AuditEntry where{"recovery_notice", login.user, "", login.service, login.rhost, ctx.peer.uid, ""};
        co_await send_mail_notice(ctx, address, subject, body, where);
        OPENSSL_cleanse(address.data(), address.size());
    }
    login.factors.clear();
    login.backup.reset();
    login.backup_remaining = 0;
    login.recovery_email.clear();
    login.tries_left = login.tries;  // the new authenticator's code gets its own tries
    co_return co_await offer_enrollment(ctx, login, 0, "Your factors and backup codes were removed.");
}

}  // namespace mfa::daemon
