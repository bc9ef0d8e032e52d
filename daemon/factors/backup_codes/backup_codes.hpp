// Backup codes: random, shown once, kept only as salted PBKDF2 hashes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/result.hpp"
#include "store/store.hpp"

namespace mfa::daemon {

// `count` codes of `length` characters from [A-Za-z0-9], from RAND_bytes by
// rejection sampling (no modulo bias). Every code has a letter, so a code is
// never mistaken for a TOTP code. The caller wipes them after showing them.
Result<std::vector<std::string>> generate_backup_codes(int count, int length);

// A fresh salt for a new set, and the hash of each code under it.
Result<BackupCodeSet> hash_backup_code_set(const std::vector<std::string>& codes);

// The hash of one candidate under a set's salt.
Result<std::vector<std::uint8_t>> hash_backup_code(std::string_view code, const BackupCodeSalt& salt);

// google-authenticator's scratch codes, imported as backup codes: 8 digits.
inline constexpr std::size_t kScratchCodeLength = 8;

// An answer at the login prompt that could be a backup code: mfad's own (8 to
// 32 letters and digits with at least one letter), or exactly 8 digits (an
// imported scratch code). SMS codes have 6 digits and TOTP codes the digits
// of totp.digits; only with 8-digit authenticators is an 8-digit answer
// tried as both, as google-authenticator itself does.
bool looks_like_backup_code(std::string_view answer);

}  // namespace mfa::daemon
