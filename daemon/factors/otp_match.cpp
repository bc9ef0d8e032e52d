#include "factors/otp_match.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace mfa::daemon {

std::optional<std::int64_t> match_counter(std::span<const std::uint8_t> secret, std::string_view code, std::int64_t first,
                                          std::int64_t last, int digits, otp::Algorithm algorithm) {
    bool well_formed = code.size() == static_cast<std::size_t>(digits) &&
                       std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
    auto key = otp::HotpKey::make(secret, digits, algorithm);
    if (!key) return std::nullopt;
    std::optional<std::int64_t> matched;
    for (std::int64_t counter = std::max<std::int64_t>(first, 0); counter <= last; ++counter) {
        auto candidate = key->code(static_cast<std::uint64_t>(counter));
        if (!candidate || !well_formed) continue;
        bool equal = CRYPTO_memcmp(candidate->data(), code.data(), code.size()) == 0;
        OPENSSL_cleanse(candidate->data(), candidate->size());
        if (equal && !matched) matched = counter;
    }
    return matched;
}

}  // namespace mfa::daemon
