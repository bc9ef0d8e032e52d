#include "mfa/otp.hpp"

#include <openssl/evp.h>

#include <array>

namespace mfa::otp {
namespace {

const char* digest_name(Algorithm algorithm) {
    switch (algorithm) {
        case Algorithm::sha1: return "SHA1";
        case Algorithm::sha256: return "SHA256";
        case Algorithm::sha512: return "SHA512";
    }
    return "SHA1";
}

constexpr std::array<std::uint32_t, 9> kPowersOfTen = {1,      10,      100,      1000,     10000,
                                                       100000, 1000000, 10000000, 100000000};

}  // namespace

std::string_view algorithm_name(Algorithm algorithm) { return digest_name(algorithm); }

std::optional<Algorithm> parse_algorithm(std::string_view name) {
    std::string upper(name);
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    if (upper == "SHA1") return Algorithm::sha1;
    if (upper == "SHA256") return Algorithm::sha256;
    if (upper == "SHA512") return Algorithm::sha512;
    return std::nullopt;
}

Result<HotpKey> HotpKey::make(std::span<const std::uint8_t> key, int digits, Algorithm algorithm) {
    if (key.empty()) return make_error("otp: empty key");
    if (digits < kMinDigits || digits > kMaxDigits)
        return make_error("otp: digits must be between 6 and 8");
    auto hmac = KeyedHmac::make(key, digest_name(algorithm));
    if (!hmac) return make_error("otp: " + hmac.error().message);
    return HotpKey(std::move(*hmac), digits);
}

Result<std::string> HotpKey::code(std::uint64_t counter) const {
    std::array<std::uint8_t, 8> message{};
    for (int i = 7; i >= 0; --i, counter >>= 8) message[static_cast<std::size_t>(i)] = counter & 0xff;
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
    auto mac_len = hmac_.mac({message}, mac);
    if (!mac_len || *mac_len < 20) return make_error("otp: HMAC computation failed");

    // RFC 4226 section 5.3 dynamic truncation.
    std::size_t offset = mac[*mac_len - 1] & 0x0f;
    std::uint32_t binary = (std::uint32_t(mac[offset] & 0x7f) << 24) |
                           (std::uint32_t(mac[offset + 1]) << 16) |
                           (std::uint32_t(mac[offset + 2]) << 8) | std::uint32_t(mac[offset + 3]);
    std::uint32_t value = binary % kPowersOfTen[static_cast<std::size_t>(digits_)];

    std::string code(static_cast<std::size_t>(digits_), '0');
    for (auto it = code.rbegin(); it != code.rend(); ++it, value /= 10)
        *it = static_cast<char>('0' + value % 10);
    return code;
}

Result<std::string> hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int digits,
                         Algorithm algorithm) {
    auto keyed = HotpKey::make(key, digits, algorithm);
    if (!keyed) return keyed.error();
    return keyed->code(counter);
}

std::uint64_t time_step(std::int64_t unix_time, int period, std::int64_t t0) {
    if (period <= 0 || unix_time < t0) return 0;
    return static_cast<std::uint64_t>((unix_time - t0) / period);
}

Result<std::string> totp(std::span<const std::uint8_t> key, std::int64_t unix_time, int period,
                         int digits, Algorithm algorithm) {
    if (period <= 0) return make_error("otp: period must be positive");
    return hotp(key, time_step(unix_time, period), digits, algorithm);
}

}  // namespace mfa::otp
