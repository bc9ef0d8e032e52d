// Matching a typed code against a run of HOTP counters: TOTP's time steps
// around now, an HOTP token's counters ahead of the last one used.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "mfa/otp.hpp"

namespace mfa::daemon {

// The first counter in [first, last] (negative ones skipped) whose code
// equals `code`. Every candidate is computed and compared in constant time,
// so the timing says nothing about which counter, if any, matched.
std::optional<std::int64_t> match_counter(std::span<const std::uint8_t> secret, std::string_view code, std::int64_t first,
                                          std::int64_t last, int digits, otp::Algorithm algorithm);

}  // namespace mfa::daemon
