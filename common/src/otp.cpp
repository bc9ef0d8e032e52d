#include "mfa/otp.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <array>
#include <memory>

namespace mfa::otp {
namespace {

struct MacDeleter {
    void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};

// Fetching the HMAC implementation walks the provider tables: do it once.
EVP_MAC* hmac() {
    static const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    return mac.get();
}

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

void HotpKey::Free::operator()(evp_mac_ctx_st* ctx) const { EVP_MAC_CTX_free(ctx); }

Result<HotpKey> HotpKey::make(std::span<const std::uint8_t> key, int digits, Algorithm algorithm) {
    if (key.empty()) return make_error("otp: empty key");
    if (digits < kMinDigits || digits > kMaxDigits)
        return make_error("otp: digits must be between 6 and 8");
    if (hmac() == nullptr) return make_error("otp: OpenSSL has no HMAC");
    std::unique_ptr<EVP_MAC_CTX, Free> ctx(EVP_MAC_CTX_new(hmac()));
    char* digest = const_cast<char*>(digest_name(algorithm));
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1)
        return make_error("otp: HMAC setup failed");
    return HotpKey(std::move(ctx), digits);
}

Result<std::string> HotpKey::code(std::uint64_t counter) const {
    std::array<unsigned char, 8> message{};
    for (int i = 7; i >= 0; --i, counter >>= 8) message[static_cast<std::size_t>(i)] = counter & 0xff;

    std::unique_ptr<EVP_MAC_CTX, Free> ctx(EVP_MAC_CTX_dup(keyed_.get()));
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    std::size_t mac_len = 0;
    if (!ctx || EVP_MAC_update(ctx.get(), message.data(), message.size()) != 1 ||
        EVP_MAC_final(ctx.get(), mac.data(), &mac_len, mac.size()) != 1 || mac_len < 20)
        return make_error("otp: HMAC computation failed");

    // RFC 4226 section 5.3 dynamic truncation.
    std::size_t offset = mac[mac_len - 1] & 0x0f;
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
