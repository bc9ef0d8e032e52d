// RFC 4648 base32, the encoding authenticator apps use for TOTP secrets.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::base32 {

// Upper case, no padding: the form otpauth URIs and people expect.
std::string encode(std::span<const std::uint8_t> data);

// Accepts lower case, spaces and missing padding; refuses any other character,
// misplaced padding or an impossible length with a message naming the problem.
Result<std::vector<std::uint8_t>> decode(std::string_view text);

}  // namespace mfa::base32
