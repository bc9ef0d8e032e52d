#include "sender/sent_codes.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "crypto/derived_key.hpp"

namespace mfa::daemon {

SentCodes::SentCodes(const MasterKey& key) : keyed_(derive_hmac_key(key, "mfad sent codes v1")) {}

Result<std::vector<std::uint8_t>> SentCodes::mac(std::string_view domain, std::string_view a, std::int64_t n,
                                                 std::string_view b) const {
    if (!keyed_) return make_error("the sent-code key is missing");
    auto bytes = [](std::string_view s) { return std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
    // Lengths and a fixed-width number keep the parts from running into each other.
    std::array<std::uint8_t, 16> fixed{};
    auto put = [&fixed](std::size_t at, std::uint64_t v) {
        for (int i = 7; i >= 0; --i, v >>= 8) fixed[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
    };
    put(0, a.size());
    put(8, static_cast<std::uint64_t>(n));
    std::vector<std::uint8_t> out(32);
    auto len = keyed_->mac({bytes(domain), fixed, bytes(a), bytes(b)}, out);
    if (!len || *len != out.size()) return make_error("HMAC-SHA256 failed");
    return out;
}

Result<std::vector<std::uint8_t>> SentCodes::hash_code(std::string_view user, std::int64_t factor_id,
                                                       std::string_view code) const {
    return mac("code", user, factor_id, code);
}

Result<std::vector<std::uint8_t>> SentCodes::hash_destination(std::string_view destination) const {
    return mac("destination", destination, 0, "");
}

Result<std::vector<std::uint8_t>> SentCodes::hash_mail_code(std::string_view user, int purpose,
                                                            std::string_view code) const {
    return mac("mail code", user, purpose, code);
}

Result<std::string> random_digits(int count) {
    std::string out;
    while (out.size() < static_cast<std::size_t>(count)) {
        std::array<std::uint8_t, 16> random{};
        if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) return make_error("RAND_bytes failed");
        for (auto byte : random)
            if (byte < 250 && out.size() < static_cast<std::size_t>(count)) out += static_cast<char>('0' + byte % 10);
    }
    return out;
}

bool is_digits(std::string_view text, std::size_t count) {
    return text.size() == count && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace mfa::daemon
