#include "factors/totp/totp_match.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace mfa::daemon {

std::optional<std::int64_t> match_totp(std::span<const std::uint8_t> secret, std::string_view code, std::int64_t now,
                                       const Config::Totp& totp) {
    bool well_formed = code.size() == static_cast<std::size_t>(totp.digits) &&
                       std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
    auto current = static_cast<std::int64_t>(otp::time_step(now, totp.period));
    auto key = otp::HotpKey::make(secret, totp.digits, totp.algorithm);
    if (!key) return std::nullopt;
    std::optional<std::int64_t> matched;
    for (std::int64_t step = current - totp.window; step <= current + totp.window; ++step) {
        if (step < 0) continue;
        auto candidate = key->code(static_cast<std::uint64_t>(step));
        if (!candidate || !well_formed) continue;
        bool equal = CRYPTO_memcmp(candidate->data(), code.data(), code.size()) == 0;
        OPENSSL_cleanse(candidate->data(), candidate->size());
        if (equal && !matched) matched = step;
    }
    return matched;
}

}  // namespace mfa::daemon
