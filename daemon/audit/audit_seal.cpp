#include "audit/audit_seal.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <string_view>

namespace mfa::daemon {
namespace {

Result<AuditHash> hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
    AuditHash out{};
    std::size_t len = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(), data.data(), data.size(),
                  out.data(), out.size(), &len) == nullptr ||
        len != out.size())
        return make_error("HMAC-SHA256 failed");
    return out;
}

}  // namespace

AuditSeal::AuditSeal(const MasterKey& key) {
    // A key of its own, so the seal never reuses the sealing key of secrets.
    constexpr std::string_view label = "mfad audit head seal v1";
    auto derived = hmac_sha256(key.bytes(), {reinterpret_cast<const std::uint8_t*>(label.data()), label.size()});
    if (!derived) return;  // keyed_ stays empty: seal() fails, holds() is false
    if (auto hmac = KeyedHmac::make(*derived, "SHA256")) keyed_ = std::move(*hmac);
    OPENSSL_cleanse(derived->data(), derived->size());
}

Result<AuditHash> AuditSeal::seal(std::int64_t last_id, std::span<const std::uint8_t> last_hash) const {
    if (!keyed_) return make_error("the audit seal has no key");
    std::array<std::uint8_t, 8> id{};
    auto value = static_cast<std::uint64_t>(last_id);
    for (int i = 7; i >= 0; --i, value >>= 8) id[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value);
    AuditHash out{};
    auto len = keyed_->mac({id, last_hash}, out);
    if (!len || *len != out.size()) return make_error("HMAC-SHA256 failed");
    return out;
}

bool AuditSeal::holds(std::int64_t last_id, std::span<const std::uint8_t> last_hash,
                      std::span<const std::uint8_t> mac) const {
    auto expected = seal(last_id, last_hash);
    return expected && mac.size() == expected->size() && CRYPTO_memcmp(mac.data(), expected->data(), mac.size()) == 0;
}

}  // namespace mfa::daemon
