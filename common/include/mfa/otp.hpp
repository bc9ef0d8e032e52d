// HOTP (RFC 4226) and TOTP (RFC 6238) through OpenSSL's EVP_MAC.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "mfa/keyed_hmac.hpp"
#include "mfa/result.hpp"

namespace mfa::otp {

enum class Algorithm { sha1, sha256, sha512 };

inline constexpr int kMinDigits = 6;
inline constexpr int kMaxDigits = 8;

std::string_view algorithm_name(Algorithm algorithm);  // "SHA1", "SHA256", "SHA512"
std::optional<Algorithm> parse_algorithm(std::string_view name);  // case-insensitive

// The zero-padded code for a counter value. Fails on an empty key, digits
// outside 6..8 or an OpenSSL error.
Result<std::string> hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int digits,
                         Algorithm algorithm);

// HOTP codes for several counters under one key, set up once (KeyedHmac).
class HotpKey {
public:
    // Fails on an empty key, digits outside 6..8 or an OpenSSL error.
    static Result<HotpKey> make(std::span<const std::uint8_t> key, int digits, Algorithm algorithm);
    Result<std::string> code(std::uint64_t counter) const;

private:
    HotpKey(KeyedHmac hmac, int digits) : hmac_(std::move(hmac)), digits_(digits) {}
    KeyedHmac hmac_;
    int digits_;
};

// RFC 6238 time step: floor((unix_time - t0) / period); times before t0 map to 0.
std::uint64_t time_step(std::int64_t unix_time, int period, std::int64_t t0 = 0);

Result<std::string> totp(std::span<const std::uint8_t> key, std::int64_t unix_time, int period,
                         int digits, Algorithm algorithm);

}  // namespace mfa::otp
