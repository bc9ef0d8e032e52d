#pragma once

#include <cstddef>
#include <string_view>

namespace mfa::daemon {

inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, RFC 4226's recommendation
inline constexpr std::string_view kTotpSecretField = "totp";  // the sealed secret's associated data (since schema 1)
inline constexpr std::string_view kTotpDefaultName = "app";

}  // namespace mfa::daemon
