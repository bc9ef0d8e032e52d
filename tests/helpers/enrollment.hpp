// Enrolling test users over the real protocol, and codes from oathtool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mfa::test {

std::int64_t unix_now();

// A TOTP code for `when`, computed by oathtool (an independent implementation).
std::string oathtool_code(const std::string& base32_secret, std::int64_t when);

// Enrolls an authenticator for `user` as root (named `name`; empty: mfad's
// default) and confirms with the previous step's code, so the current and
// next steps are still unused. Returns the base32 secret.
std::string enroll_user(const std::string& socket, const std::string& user, const std::string& name = "");

// A new backup code set for `user`, as root, over the protocol.
std::vector<std::string> new_backup_codes(const std::string& socket, const std::string& user);

}  // namespace mfa::test
