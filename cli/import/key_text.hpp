// A token's key as files carry it: hex (OATH token seed files, pam_oath's
// usersfile) or base32 (google-authenticator, authenticator apps).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::cli {

enum class KeyEncoding { hex, base32 };

// The key's bytes; whitespace inside is ignored. The caller wipes them.
Result<std::vector<std::uint8_t>> decode_key(std::string_view text, KeyEncoding encoding);

// The key as base32, the wire's form; `key` is wiped.
std::string key_to_wire(std::vector<std::uint8_t>& key);

}  // namespace mfa::cli
