// ~/.google_authenticator, as google-authenticator-libpam writes it: the
// base32 secret, then `" OPTION args` lines, then 8-digit scratch codes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/result.hpp"
#include "mfa/wire/factor_messages.hpp"

namespace mfa::cli {

struct GoogleAuthenticatorFile {
    std::string secret;  // base32, upper case
    bool totp = true;    // TOTP_AUTH; false: HOTP_COUNTER
    int step_size = 30;
    int window_size = 3;  // codes accepted at once (google-authenticator's -w)
    std::uint64_t hotp_counter = 0;
    bool disallow_reuse = false;
    std::int64_t last_used_step = -1;  // the newest step DISALLOW_REUSE lists
    std::vector<std::string> scratch_codes;
    std::vector<std::string> dropped;  // options mfad does not keep, said to the admin
};

// `where` prefixes every error with the line: "/home/u/.google_authenticator:3: ...".
Result<GoogleAuthenticatorFile> parse_google_authenticator_file(std::string_view text, const std::string& where);

// The import request for `user`, and what changes on the way (notes).
wire::ImportFactor google_authenticator_import(const GoogleAuthenticatorFile& file, const std::string& user,
                                               std::vector<std::string>& notes);

}  // namespace mfa::cli
