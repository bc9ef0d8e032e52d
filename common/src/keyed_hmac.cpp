#include "mfa/keyed_hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

namespace mfa {
namespace {

struct MacDeleter {
    void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};

// Fetching the HMAC implementation walks the provider tables: do it once.
EVP_MAC* hmac() {
    static const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    return mac.get();
}

}  // namespace

void KeyedHmac::Free::operator()(evp_mac_ctx_st* ctx) const { EVP_MAC_CTX_free(ctx); }

Result<KeyedHmac> KeyedHmac::make(std::span<const std::uint8_t> key, const char* digest) {
    if (key.empty()) return make_error("hmac: empty key");
    if (hmac() == nullptr) return make_error("hmac: OpenSSL has no HMAC");
    std::unique_ptr<EVP_MAC_CTX, Free> ctx(EVP_MAC_CTX_new(hmac()));
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0), OSSL_PARAM_construct_end()};
    if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) return make_error("hmac: setup failed");
    return KeyedHmac(std::move(ctx));
}

Result<std::size_t> KeyedHmac::mac(std::initializer_list<std::span<const std::uint8_t>> parts,
                                   std::span<std::uint8_t> out) const {
    std::unique_ptr<EVP_MAC_CTX, Free> ctx(EVP_MAC_CTX_dup(keyed_.get()));
    if (!ctx) return make_error("hmac: copy failed");
    for (auto part : parts)
        if (EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) return make_error("hmac: update failed");
    std::size_t len = 0;
    if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) return make_error("hmac: final failed");
    return len;
}

}  // namespace mfa
