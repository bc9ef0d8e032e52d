// The key rotation's records (mfactl admin rekey), apart from store.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::daemon {

// mfactl admin rekey: every sealed secret moves from the old key to the new,
// in batches, while logins go on. The row says which keys and how far; the
// new key itself waits outside the store (crypto/pending_key_file.hpp).
struct KeyRotation {
    std::vector<std::uint8_t> old_key_id;
    std::vector<std::uint8_t> new_key_id;
    std::int64_t started_at = 0;
    std::int64_t finished_at = 0;  // 0: still re-sealing
    std::int64_t resealed = 0;
};

// Opens a blob under whichever key made it and seals it under the primary.
struct Resealer {
    std::vector<std::uint8_t> primary_id;
    std::function<Result<std::vector<std::uint8_t>>(std::string_view user, std::string_view field,
                                                    std::span<const std::uint8_t> sealed)>
        reseal;
    std::function<std::string_view(std::string_view kind)> factor_field;  // "": a kind this mfad cannot open
    std::string_view recovery_email_field;
};

struct ResealProgress {
    std::int64_t resealed = 0;   // in this batch
    std::int64_t remaining = 0;  // under another key after it; 0: the rotation finished
};

}  // namespace mfa::daemon
