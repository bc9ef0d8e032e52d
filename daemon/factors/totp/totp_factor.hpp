// Authenticator apps (RFC 6238), several per user, each with a name.
#pragma once

#include "factors/factor.hpp"
#include "factors/totp/totp_secret.hpp"

namespace mfa::daemon {

class TotpFactor final : public Factor {
public:
    std::string_view kind() const override { return "totp"; }
    std::string_view default_name() const override { return kTotpDefaultName; }
    int max_per_user() const override { return 0; }
    std::string_view sealed_field() const override { return kTotpSecretField; }
    Awaitable<Outcome> enroll(const RequestContext& ctx, const wire::EnrollStart& request) const override;
    std::string describe(const DaemonState& state, std::string_view user, const FactorRecord& factor) const override;
    bool takes_unprompted_codes() const override { return true; }
    Awaitable<Challenge> challenge(const RequestContext& ctx, const LoginSession& login,
                                   const FactorRecord& factor) const override;
    bool is_resend_request(std::string_view) const override { return false; }
    Result<std::optional<Claim>> verify(const DaemonState& state, std::string_view user, const FactorRecord& factor,
                                        std::string_view code, std::int64_t now) const override;
};

}  // namespace mfa::daemon
