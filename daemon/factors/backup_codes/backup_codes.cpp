#include "factors/backup_codes/backup_codes.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

namespace mfa::daemon {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
// PBKDF2-HMAC-SHA256 with a small work factor, on purpose. A code is 10
// random characters from 62 (about 59 bits), so it is not a password that a
// dictionary can guess: stretching only has to make an offline search of a
// stolen database cost more than the key it does not have, while a login
// spends under 1 ms here (measured 0.66 ms on the CI machine). Login guessing
// is bounded by the lockout, not by this cost.
constexpr int kIterations = 1000;

bool has_letter(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

}  // namespace

Result<std::vector<std::string>> generate_backup_codes(int count, int length) {
    std::vector<std::string> codes;
    while (codes.size() < static_cast<std::size_t>(count)) {
        std::string code;
        while (code.size() < static_cast<std::size_t>(length)) {
            unsigned char byte = 0;
            if (RAND_bytes(&byte, 1) != 1) return make_error("RAND_bytes failed");
            if (byte < 248) code += kAlphabet[byte % kAlphabet.size()];  // 248 = 4 * 62: no bias
        }
        if (has_letter(code) && std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(std::move(code));
    }
    return codes;
}

Result<std::vector<std::uint8_t>> hash_backup_code(std::string_view code, const BackupCodeSalt& salt) {
    std::vector<std::uint8_t> hash(kHashBytes);
    if (PKCS5_PBKDF2_HMAC(code.data(), static_cast<int>(code.size()), salt.salt.data(), static_cast<int>(salt.salt.size()),
                          salt.iterations, EVP_sha256(), static_cast<int>(hash.size()), hash.data()) != 1)
        return make_error("PBKDF2 failed");
    return hash;
}

// One salt per set rather than per code: the set's codes are distinct random
// strings, so per-code salts would add nothing against precomputation, and a
// login would pay one hash instead of one per code.
Result<BackupCodeSet> hash_backup_code_set(const std::vector<std::string>& codes) {
    BackupCodeSet set{{std::vector<std::uint8_t>(kSaltBytes), kIterations}, {}};
    if (RAND_bytes(set.salt.salt.data(), static_cast<int>(set.salt.salt.size())) != 1) return make_error("RAND_bytes failed");
    for (const auto& code : codes) {
        auto hash = hash_backup_code(code, set.salt);
        if (!hash) return hash.error();
        set.hashes.push_back(std::move(*hash));
    }
    return set;
}

bool looks_like_backup_code(std::string_view answer) {
    bool alnum = std::all_of(answer.begin(), answer.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
    if (answer.size() == kScratchCodeLength && alnum && !has_letter(answer)) return true;
    return answer.size() >= 8 && answer.size() <= 32 && has_letter(answer) && alnum;
}

}  // namespace mfa::daemon
