#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mfa {

// "30s", "5m", "1h", "2d". A bare number is refused: the unit must be explicit.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// The shortest exact form: 300s -> "5m".
std::string format_duration(std::chrono::seconds value);

}  // namespace mfa
