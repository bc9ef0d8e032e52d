// HMAC-SHA256 keys derived from the master key, one per purpose, so no
// purpose ever reuses the key that seals secrets.
#pragma once

#include <optional>
#include <string_view>

#include "crypto/master_key.hpp"
#include "mfa/keyed_hmac.hpp"

namespace mfa::daemon {

// HMAC-SHA256 keyed with HMAC-SHA256(master, label); nullopt if OpenSSL fails.
std::optional<KeyedHmac> derive_hmac_key(const MasterKey& key, std::string_view label);

}  // namespace mfa::daemon
