// AES-256-GCM sealing of secrets at rest. A sealed blob is
//   version u8 | key id (8) | nonce (12) | ciphertext | tag (16)
// and its associated data binds it to (user, field, key id), so a blob copied
// to another user or field, or altered by one bit, fails to open.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/key_ring.hpp"
#include "crypto/secret_bytes.hpp"
#include "mfa/result.hpp"

namespace mfa::daemon {

class SecretBox {
public:
    explicit SecretBox(const KeyRing& keys) : keys_(keys) {}

    // Under the ring's primary key.
    Result<std::vector<std::uint8_t>> seal(std::string_view user, std::string_view field,
                                           std::span<const std::uint8_t> plaintext) const;
    // Under whichever key of the ring made it.
    Result<SecretBytes> open(std::string_view user, std::string_view field,
                             std::span<const std::uint8_t> sealed) const;
    // Opened and sealed again under the primary (mfactl admin rekey).
    Result<std::vector<std::uint8_t>> reseal(std::string_view user, std::string_view field,
                                             std::span<const std::uint8_t> sealed) const;

private:
    const KeyRing& keys_;
};

// The id of the key a blob names (its bytes 1-8), if it is long enough to be one.
std::optional<MasterKey::Id> sealing_key_id(std::span<const std::uint8_t> sealed);

}  // namespace mfa::daemon
