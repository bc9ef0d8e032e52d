#include "factors/totp/totp_enrollment.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "factors/enroll_start.hpp"
#include "factors/totp/totp_secret.hpp"
#include "mfa/base32.hpp"
#include "mfa/otpauth_uri.hpp"

namespace mfa::daemon {

TotpEnrollment::~TotpEnrollment() {
    OPENSSL_cleanse(secret.data(), secret.size());
    OPENSSL_cleanse(uri.data(), uri.size());
}

Awaitable<TotpEnrollment> start_totp_enrollment(const RequestContext& ctx, const std::string& user,
                                                const std::string& name) {
    // A reload may replace the config while this request waits: keep this one alive.
    const auto config = ctx.state.config;
    TotpEnrollment out;
    SecretBytes secret(kTotpSecretBytes);
    if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
        out.refusal = internal_error(ctx, make_error("RAND_bytes failed"));
        co_return out;
    }
    auto sealed = ctx.state.box->seal(user, kTotpSecretField, secret.view());
    if (!sealed) {
        out.refusal = internal_error(ctx, sealed.error());
        co_return out;
    }
    out.pending = FactorRecord{0, "totp", name, FactorState::pending, *sealed, DaemonState::now(), 0, -1, 0, false};
    NewFactor factor{"totp", name, std::move(*sealed), 0};
    auto started = co_await start_pending_factor(ctx, user, factor);
    if (!started.started) {
        out.refusal = std::move(*started.refusal);
        co_return out;
    }
    out.pending.id = started.factor_id;

    std::string label = name == kTotpDefaultName ? user : user + " (" + name + ")";
    OtpauthUri uri{config->issuer, label, {secret.data(), secret.data() + secret.size()}, config->totp.algorithm,
                   config->totp.digits, config->totp.period};
    out.secret = base32::encode(uri.secret);
    out.uri = build_otpauth_uri(uri);
    OPENSSL_cleanse(uri.secret.data(), uri.secret.size());
    co_return out;
}

}  // namespace mfa::daemon
