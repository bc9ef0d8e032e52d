#include "factors/factor_registry.hpp"

#include <array>

#include "factors/hotp/hotp_factor.hpp"
#include "factors/push/push_factor.hpp"
#include "factors/sms/sms_factor.hpp"
#include "factors/totp/totp_factor.hpp"

namespace mfa::daemon {
namespace {

const TotpFactor kTotp;
const SmsFactor kSms;
const HotpFactor kHotp;
const PushFactor kPush;
const std::array<const Factor*, 4> kFactors = {&kTotp, &kSms, &kHotp, &kPush};

}  // namespace

const Factor* find_factor(std::string_view kind) {
    for (const Factor* factor : kFactors)
        if (factor->kind() == kind) return factor;
    return nullptr;
}

std::span<const Factor* const> all_factors() { return kFactors; }

}  // namespace mfa::daemon
