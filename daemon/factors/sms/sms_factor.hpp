// A phone that receives codes by text message: one per user, its number
// sealed, shown masked, each code sent through mfad-notify.
#pragma once

#include "factors/factor.hpp"

namespace mfa::daemon {

inline constexpr std::string_view kPhoneField = "phone";  // the sealed number's associated data

class SmsFactor final : public Factor {
public:
    std::string_view kind() const override { return "sms"; }
    std::string_view default_name() const override { return "sms"; }
    int max_per_user() const override { return 1; }
    std::string_view sealed_field() const override { return kPhoneField; }
    Awaitable<Outcome> enroll(const RequestContext& ctx, const wire::EnrollStart& request) const override;
    std::string describe(const DaemonState& state, std::string_view user, const FactorRecord& factor) const override;
    bool takes_unprompted_codes() const override { return false; }
    Awaitable<Challenge> challenge(const RequestContext& ctx, const LoginSession& login,
                                   const FactorRecord& factor) const override;
    bool is_resend_request(std::string_view answer) const override { return answer == "r" || answer == "R"; }
    Result<std::optional<Claim>> verify(const DaemonState& state, std::string_view user, const FactorRecord& factor,
                                        std::string_view code, std::int64_t now) const override;
};

}  // namespace mfa::daemon
