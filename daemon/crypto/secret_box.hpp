// AES-256-GCM sealing of secrets at rest. A sealed blob is
//   version u8 | key id (8) | nonce (12) | ciphertext | tag (16)
// and its associated data binds it to (user, field, key id), so a blob copied
// to another user or field, or altered by one bit, fails to open.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/master_key.hpp"
#include "crypto/secret_bytes.hpp"
#include "mfa/result.hpp"

namespace mfa::daemon {

class SecretBox {
public:
    explicit SecretBox(const MasterKey& key) : key_(key) {}

    Result<std::vector<std::uint8_t>> seal(std::string_view user, std::string_view field,
                                           std::span<const std::uint8_t> plaintext) const;
    Result<SecretBytes> open(std::string_view user, std::string_view field,
                             std::span<const std::uint8_t> sealed) const;

private:
    const MasterKey& key_;
};

}  // namespace mfa::daemon
