// A store with many enrolled users, made fast: one transaction of plain
// INSERTs (no audit rows) rather than an enrollment per user.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::bench {

using Secret = std::array<std::uint8_t, 20>;

// Creates the database at `db` if needed (schema by mfad's own migrations) and
// enrolls `count` users, name(i) with secret(i): an active TOTP factor sealed
// with the key at `key_file`, step 0 counting as used (every real step is
// later). The file is left checkpointed, with no WAL.
Result<void> bulk_enroll(const std::string& db, const std::string& key_file, std::size_t count,
                         const std::function<std::string(std::size_t)>& name,
                         const std::function<std::span<const std::uint8_t>(std::size_t)>& secret);

// The name of bulk user `index`.
std::string bulk_user(std::size_t index);

// bulk_enroll of users u0..u<count-1> with random secrets; returns the
// secrets, index by index.
Result<std::vector<Secret>> bulk_seed(const std::string& db, const std::string& key_file, std::size_t count);

}  // namespace mfa::bench
