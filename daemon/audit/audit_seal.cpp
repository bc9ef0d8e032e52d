#include "audit/audit_seal.hpp"

#include "crypto/derived_key.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <string_view>

namespace mfa::daemon {
// A key of its own. Empty when OpenSSL failed: seal() fails, holds() is false.
AuditSeal::AuditSeal(const KeyRing& keys) {
    for (const auto& key : keys.keys()) keyed_.push_back(derive_hmac_key(key, "mfad audit head seal v1"));
}

Result<AuditHash> AuditSeal::seal(std::int64_t last_id, std::span<const std::uint8_t> last_hash) const {
    return seal_with(keyed_.front(), last_id, last_hash);
}

Result<AuditHash> AuditSeal::seal_with(const std::optional<KeyedHmac>& keyed, std::int64_t last_id,
                                       std::span<const std::uint8_t> last_hash) const {
    if (!keyed) return make_error("the audit seal has no key");
    std::array<std::uint8_t, 8> id{};
    auto value = static_cast<std::uint64_t>(last_id);
    for (int i = 7; i >= 0; --i, value >>= 8) id[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value);
    AuditHash out{};
    auto len = keyed->mac({id, last_hash}, out);
    if (!len || *len != out.size()) return make_error("HMAC-SHA256 failed");
    return out;
}

bool AuditSeal::holds(std::int64_t last_id, std::span<const std::uint8_t> last_hash,
                      std::span<const std::uint8_t> mac) const {
    bool held = false;
    for (const auto& keyed : keyed_) {
        auto expected = seal_with(keyed, last_id, last_hash);
        held = (expected && mac.size() == expected->size() &&
                CRYPTO_memcmp(mac.data(), expected->data(), mac.size()) == 0) || held;
    }
    return held;
}

}  // namespace mfa::daemon
