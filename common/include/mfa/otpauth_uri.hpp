// otpauth:// URIs in Google's Key Uri Format, the QR payload authenticator apps read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/otp.hpp"
#include "mfa/result.hpp"

namespace mfa {

struct OtpauthUri {
    std::string issuer;   // may be empty; never contains ':'
    std::string account;  // the user name; never contains ':'
    std::vector<std::uint8_t> secret;
    otp::Algorithm algorithm = otp::Algorithm::sha1;
    int digits = 6;
    int period = 30;
};

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=...&digits=...&period=...
std::string build_otpauth_uri(const OtpauthUri& uri);

// Only the totp type; unknown parameters are ignored as apps do, repeated or
// malformed ones are refused, and an issuer in the label must match the parameter.
Result<OtpauthUri> parse_otpauth_uri(std::string_view text);

std::string percent_encode(std::string_view text);
Result<std::string> percent_decode(std::string_view text);

}  // namespace mfa
