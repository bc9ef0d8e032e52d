#include "factors/totp/totp_factor.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "audit/audit_journal.hpp"
#include "factors/enroll_start.hpp"
#include "factors/totp/totp_match.hpp"
#include "mfa/base32.hpp"
#include "mfa/otpauth_uri.hpp"

namespace mfa::daemon {
namespace {

constexpr std::size_t kSecretBytes = 20;  // 160 bits, RFC 4226's recommendation
constexpr std::string_view kField = "totp";  // the sealed secret's associated data (unchanged since schema 1)

}  // namespace

Awaitable<Outcome> TotpFactor::enroll(const RequestContext& ctx, const wire::EnrollStart& request) const {
    // A reload may replace the config while this request waits: keep this one alive.
    const auto config = ctx.state.config;
    SecretBytes secret(kSecretBytes);
    if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1)
        co_return internal_error(ctx, make_error("RAND_bytes failed"));
    auto sealed = ctx.state.box->seal(request.user, kField, secret.view());
    if (!sealed) co_return internal_error(ctx, sealed.error());

    NewFactor factor{std::string(kind()), request.name, std::move(*sealed), max_per_user()};
    auto started = co_await start_pending_factor(ctx, request.user, factor);
    if (!started.started) co_return std::move(*started.refusal);

    std::string label = request.name == default_name() ? request.user : request.user + " (" + request.name + ")";
    OtpauthUri uri{config->issuer, label, {secret.data(), secret.data() + secret.size()}, config->totp.algorithm,
                   config->totp.digits, config->totp.period};
    wire::EnrollSecret reply{request.user, base32::encode(uri.secret), build_otpauth_uri(uri)};
    OPENSSL_cleanse(uri.secret.data(), uri.secret.size());
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
    auto secret = state.box->open(user, kField, factor.sealed_secret);
    if (!secret) return secret.error();
    auto step = match_totp(secret->view(), code, now, state.config->totp);
    if (!step) return std::optional<Claim>();
    return std::optional<Claim>(Claim{Claim::Spend::time_step, factor.id, *step, {}, factor.name});
}

}  // namespace mfa::daemon
