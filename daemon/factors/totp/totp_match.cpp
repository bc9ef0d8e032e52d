#include "factors/totp/totp_match.hpp"

#include "factors/otp_match.hpp"

namespace mfa::daemon {

Config::Totp totp_settings(const Config::Totp& config, const OtpShape& shape) {
    Config::Totp out = config;
    if (shape.digits != 0) out.digits = shape.digits;
    if (shape.period != 0) out.period = shape.period;
    if (shape.window >= 0) out.window = shape.window;
    return out;
}

std::optional<std::int64_t> match_totp(std::span<const std::uint8_t> secret, std::string_view code, std::int64_t now,
                                       const Config::Totp& totp) {
    auto current = static_cast<std::int64_t>(otp::time_step(now, totp.period));
    return match_counter(secret, code, current - totp.window, current + totp.window, totp.digits, totp.algorithm);
}

}  // namespace mfa::daemon
