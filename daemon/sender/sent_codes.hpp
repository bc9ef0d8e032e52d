// Codes sent to a person (SMS, email): random digits, kept only as
// a keyed hash, so the table alone never gives a code away. Destinations are
// hashed with the same key, so caps can count per number without the number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/master_key.hpp"
#include "mfa/keyed_hmac.hpp"

namespace mfa::daemon {

class SentCodes {
public:
    explicit SentCodes(const MasterKey& key);

    // Bound to the user and the factor: a hash copied to another row never matches.
    Result<std::vector<std::uint8_t>> hash_code(std::string_view user, std::int64_t factor_id, std::string_view code) const;
    Result<std::vector<std::uint8_t>> hash_destination(std::string_view destination) const;
    // An emailed code, bound to the user and what it is for (purpose: 1 verify, 2 recover).
    Result<std::vector<std::uint8_t>> hash_mail_code(std::string_view user, int purpose, std::string_view code) const;

private:
    Result<std::vector<std::uint8_t>> mac(std::string_view domain, std::string_view a, std::int64_t n,
                                          std::string_view b) const;
    std::optional<KeyedHmac> keyed_;
};

// `count` decimal digits from RAND_bytes, without modulo bias.
Result<std::string> random_digits(int count);

// Exactly `count` ASCII digits.
bool is_digits(std::string_view text, std::size_t count);

}  // namespace mfa::daemon
