// A store with many enrolled users, made fast: one transaction of plain
// INSERTs (no audit rows) rather than an enrollment per user.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::bench {

using Secret = std::array<std::uint8_t, 20>;

// The name of bulk user `index`.
std::string bulk_user(std::size_t index);

// Creates the database at `db` (schema by mfad's own migrations) with `count`
// users u0..u<count-1>, each with an active TOTP factor whose random secret is
// sealed with the key at `key_file` and whose step 0 counts as used. Returns
// the secrets, index by index. The file is left checkpointed, with no WAL.
Result<std::vector<Secret>> bulk_seed(const std::string& db, const std::string& key_file, std::size_t count);

}  // namespace mfa::bench
