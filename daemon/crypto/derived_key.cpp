#include "crypto/derived_key.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

namespace mfa::daemon {

std::optional<KeyedHmac> derive_hmac_key(const MasterKey& key, std::string_view label) {
    std::array<std::uint8_t, 32> derived{};
    std::size_t len = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.bytes().data(), key.bytes().size(),
                  reinterpret_cast<const unsigned char*>(label.data()), label.size(), derived.data(), derived.size(),
                  &len) == nullptr ||
        len != derived.size())
        return std::nullopt;
    auto hmac = KeyedHmac::make(derived, "SHA256");
    OPENSSL_cleanse(derived.data(), derived.size());
    if (!hmac) return std::nullopt;
    return std::move(*hmac);
}

}  // namespace mfa::daemon
