#include "mfa/duration.hpp"

#include <charconv>

namespace mfa {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
    if (text.size() < 2) return std::nullopt;
    long long count = 0;
    auto digits = text.substr(0, text.size() - 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (ec != std::errc{} || end != digits.data() + digits.size() || count < 0) return std::nullopt;
    long long unit = 0;
    switch (text.back()) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return std::nullopt;
    }
    if (count > (1LL << 40) / unit) return std::nullopt;
    return std::chrono::seconds(count * unit);
}

std::string format_duration(std::chrono::seconds value) {
    long long s = value.count();
    if (s != 0 && s % 86400 == 0) return std::to_string(s / 86400) + "d";
    if (s != 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
    if (s != 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
    return std::to_string(s) + "s";
}

}  // namespace mfa
