#include "factors/totp/totp_factor.hpp"

#include <openssl/crypto.h>

#include "factors/totp/totp_enrollment.hpp"
#include "factors/totp/totp_match.hpp"
#include "factors/totp/totp_secret.hpp"

namespace mfa::daemon {

Awaitable<Outcome> TotpFactor::enroll(const RequestContext& ctx, const wire::EnrollStart& request) const {
    auto started = co_await start_totp_enrollment(ctx, request.user, request.name);
    if (started.refusal) co_return std::move(*started.refusal);
    wire::EnrollSecret reply{request.user, started.secret, started.uri};
    auto frame = wire::encode(reply, ctx.request_id);
    OPENSSL_cleanse(reply.secret.data(), reply.secret.size());
    OPENSSL_cleanse(reply.uri.data(), reply.uri.size());
    co_return Outcome{std::move(frame), {}};
}

std::string TotpFactor::describe(const DaemonState&, std::string_view, const FactorRecord& factor) const {
    return "authenticator app \"" + factor.name + "\"";
}

Awaitable<Challenge> TotpFactor::challenge(const RequestContext&, const LoginSession& login,
                                           const FactorRecord&) const {
    co_return Challenge{"", login.prompt, ""};
}

Result<std::optional<Claim>> TotpFactor::verify(const DaemonState& state, std::string_view user,
                                                const FactorRecord& factor, std::string_view code,
                                                std::int64_t now) const {
    auto secret = state.box->open(user, kTotpSecretField, factor.sealed_secret);
    if (!secret) return secret.error();
    auto step = match_totp(secret->view(), code, now, totp_settings(state.config->totp, factor.otp), factor.last_step);
    if (!step) return std::optional<Claim>();
    return std::optional<Claim>(Claim{Claim::Spend::time_step, factor.id, *step, {}, factor.name});
}

}  // namespace mfa::daemon
