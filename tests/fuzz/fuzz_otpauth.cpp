// otpauth:// parsing never crashes, and what parses rebuilds to a URI that
// parses to the same fields.
#include <string_view>

#include "mfa/otpauth_uri.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto uri = mfa::parse_otpauth_uri(text);
    if (!uri) return 0;
    auto again = mfa::parse_otpauth_uri(mfa::build_otpauth_uri(*uri));
    if (!again || again->issuer != uri->issuer || again->account != uri->account || again->secret != uri->secret ||
        again->algorithm != uri->algorithm || again->digits != uri->digits || again->period != uri->period)
        __builtin_trap();
    return 0;
}
