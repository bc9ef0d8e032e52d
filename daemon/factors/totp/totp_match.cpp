#include "factors/totp/totp_match.hpp"

#include <algorithm>

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
                                       const Config::Totp& totp, std::int64_t last_spent) {
    auto current = static_cast<std::int64_t>(otp::time_step(now, totp.period));
    auto first = current - totp.window;
    auto last = current + totp.window;
    if (last_spent >= first) {
        if (auto fresh = match_counter(secret, code, last_spent + 1, last, totp.digits, totp.algorithm)) return fresh;
        last = std::min(last, last_spent);
    }
    return match_counter(secret, code, first, last, totp.digits, totp.algorithm);
}

}  // namespace mfa::daemon
