// Enrolling test users over the real protocol, and codes from oathtool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mfa::test {

std::int64_t unix_now();

// A TOTP code for `when`, computed by oathtool (an independent implementation).
std::string oathtool_code(const std::string& base32_secret, std::int64_t when);
// The same with other digits and step.
std::string oathtool_totp(const std::string& base32_secret, std::int64_t when, int digits, int step);
// An HOTP code (RFC 4226) for `counter`, from oathtool; the key in hex.
std::string oathtool_hotp(const std::string& hex_key, std::uint64_t counter, int digits = 6);

// Enrolls an authenticator for `user` as root (named `name`; empty: mfad's
// default) and confirms with the previous step's code, so the current and
// next steps are still unused. Returns the base32 secret.
std::string enroll_user(const std::string& socket, const std::string& user, const std::string& name = "");

// The number a push asks for in what the terminal shows ("... Pick NN on the
// phone."), or 0 when there is none.
int number_to_pick(const std::string& shown);

// A new backup code set for `user`, as root, over the protocol.
std::vector<std::string> new_backup_codes(const std::string& socket, const std::string& user);

}  // namespace mfa::test
