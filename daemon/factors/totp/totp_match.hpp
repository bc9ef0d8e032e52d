#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "config/config.hpp"
#include "store/store.hpp"

namespace mfa::daemon {

// The config's TOTP settings with an imported authenticator's own digits,
// period and window in place of the config's.
Config::Totp totp_settings(const Config::Totp& config, const OtpShape& shape);

// The time step within ±window of `now` whose code equals `code`, if any.
// Every candidate is computed and compared in constant time, so the timing
// says nothing about which step, if any, matched.
std::optional<std::int64_t> match_totp(std::span<const std::uint8_t> secret, std::string_view code, std::int64_t now,
                                       const Config::Totp& totp);

}  // namespace mfa::daemon
