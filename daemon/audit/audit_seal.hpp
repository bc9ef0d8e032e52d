// The head of the audit chain (the newest row's id and hash), sealed with a
// key derived from mfad's master key. The chain alone shows an edited or
// deleted row, but someone with sqlite3 could drop the newest rows, or edit a
// row and recompute every hash after it; neither keeps the seal intact.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "audit/audit_hash.hpp"
#include "crypto/key_ring.hpp"
#include "mfa/keyed_hmac.hpp"
#include "mfa/result.hpp"

namespace mfa::daemon {

class AuditSeal {
public:
    // Seals with the ring's primary; a head sealed by any key of the ring holds.
    explicit AuditSeal(const KeyRing& keys);

    Result<AuditHash> seal(std::int64_t last_id, std::span<const std::uint8_t> last_hash) const;
    // Compared in constant time.
    bool holds(std::int64_t last_id, std::span<const std::uint8_t> last_hash, std::span<const std::uint8_t> mac) const;

private:
    Result<AuditHash> seal_with(const std::optional<KeyedHmac>& keyed, std::int64_t last_id,
                                std::span<const std::uint8_t> last_hash) const;
    std::vector<std::optional<KeyedHmac>> keyed_;  // HMAC-SHA256 per key, the primary's first
};

}  // namespace mfa::daemon
