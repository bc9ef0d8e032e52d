// OATH tokens: mfactl enroll hotp (admins: a hardware token's key file) and
// mfactl admin resync (two consecutive codes bring a token's counter back).
#pragma once

#include <string>
#include <vector>

#include "command.hpp"
#include "daemon_connection.hpp"

namespace mfa::cli {

struct EnrollHotpOptions {
    std::string user;
    std::string name;         // empty: mfad's default ("token")
    std::string secret_file;  // the key, hex (default) or base32
    std::string encoding = "hex";
    int digits = 6;
    std::uint64_t counter = 0;  // the counter its next code is made from
};

CommandResult run_enroll_hotp(const GlobalOptions& global, const EnrollHotpOptions& options);

struct ResyncOptions {
    std::string user;
    std::vector<std::string> codes;  // two, or none: then read from the terminal or stdin
    std::string factor;
    std::string reason;
};

CommandResult run_admin_resync(const GlobalOptions& global, ResyncOptions& options);

}  // namespace mfa::cli
