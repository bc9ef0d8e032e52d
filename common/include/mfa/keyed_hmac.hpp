// An HMAC key set up once and used for many messages: each use copies the
// keyed state, which costs a fraction of fetching HMAC and the digest and
// hashing the key again. Serves TOTP (several steps per check) and the audit
// seal (every audit row).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>

#include "mfa/result.hpp"

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace mfa {

class KeyedHmac {
public:
    // `digest`: an OpenSSL digest name ("SHA1", "SHA256", "SHA512"). Fails on an
    // empty key or an OpenSSL error.
    static Result<KeyedHmac> make(std::span<const std::uint8_t> key, const char* digest);

    // The MAC of the parts, concatenated, into `out`; returns its length.
    Result<std::size_t> mac(std::initializer_list<std::span<const std::uint8_t>> parts, std::span<std::uint8_t> out) const;

private:
    struct Free {
        void operator()(evp_mac_ctx_st* ctx) const;
    };
    explicit KeyedHmac(std::unique_ptr<evp_mac_ctx_st, Free> keyed) : keyed_(std::move(keyed)) {}
    std::unique_ptr<evp_mac_ctx_st, Free> keyed_;  // freed with OPENSSL_cleanse of the key state
};

}  // namespace mfa
