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
// says nothing about which step, if any, matched. A step after `last_spent`
// comes first: two steps share a code once in 10^digits, and a code that is
// also a spent step's must still let the new step in. Failing that, the
// spent step is named, for the store to refuse as a replay.
std::optional<std::int64_t> match_totp(std::span<const std::uint8_t> secret, std::string_view code, std::int64_t now,
                                       const Config::Totp& totp, std::int64_t last_spent = -1);

}  // namespace mfa::daemon
