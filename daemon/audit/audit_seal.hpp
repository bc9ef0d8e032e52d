// The head of the audit chain (the newest row's id and hash), sealed with a
// key derived from mfad's master key. The chain alone shows an edited or
// deleted row, but someone with sqlite3 could drop the newest rows, or edit a
// row and recompute every hash after it; neither keeps the seal intact.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "audit/audit_hash.hpp"
#include "crypto/master_key.hpp"
#include "mfa/result.hpp"

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace mfa::daemon {

class AuditSeal {
public:
    explicit AuditSeal(const MasterKey& key);

    Result<AuditHash> seal(std::int64_t last_id, std::span<const std::uint8_t> last_hash) const;
    // Compared in constant time.
    bool holds(std::int64_t last_id, std::span<const std::uint8_t> last_hash, std::span<const std::uint8_t> mac) const;

private:
    struct Free {
        void operator()(evp_mac_ctx_st* ctx) const;
    };
    // HMAC-SHA256 already keyed: every row of the login path seals the head,
    // and copying this costs a fraction of a fresh HMAC setup.
    std::unique_ptr<evp_mac_ctx_st, Free> keyed_;
};

}  // namespace mfa::daemon
