// A phone that approves logins (push with number matching): one per user,
// the provider's device id sealed, each push through mfad-notify.
#pragma once

#include "factors/factor.hpp"

namespace mfa::daemon {

inline constexpr std::string_view kPushDeviceField = "push_device";  // the sealed device id's associated data

class PushFactor final : public Factor {
public:
    std::string_view kind() const override { return "push"; }
    std::string_view default_name() const override { return "phone"; }
    int max_per_user() const override { return 1; }
    std::string_view sealed_field() const override { return kPushDeviceField; }
    Awaitable<Outcome> enroll(const RequestContext& ctx, const wire::EnrollStart& request) const override;
    std::string describe(const DaemonState& state, std::string_view user, const FactorRecord& factor) const override;
    bool takes_unprompted_codes() const override { return false; }
    Awaitable<Challenge> challenge(const RequestContext& ctx, const LoginSession& login,
                                   const FactorRecord& factor) const override;
    bool is_resend_request(std::string_view) const override { return false; }
    // No code is a push's answer.
    Result<std::optional<Claim>> verify(const DaemonState&, std::string_view, const FactorRecord&, std::string_view,
                                        std::int64_t) const override {
        return std::optional<Claim>();
    }
    Awaitable<Result<std::optional<Claim>>> confirm(const RequestContext& ctx, const std::string& user,
                                                    const FactorRecord& factor, std::string_view code,
                                                    std::int64_t now) const override;
};

}  // namespace mfa::daemon
