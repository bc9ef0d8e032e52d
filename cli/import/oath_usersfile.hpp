// pam_oath's usersfile (/etc/users.oath): one token per line,
// "TYPE USER PIN HEXKEY [COUNTER LAST_OTP TIME]", '#' comments.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/result.hpp"
#include "mfa/wire/factor_messages.hpp"

namespace mfa::cli {

// One user's token as an import request, or why it cannot be one (`problem`,
// with the line). Several lines for one user are refused: mfad would need a
// name for each, and pam_oath tried them all as one factor.
struct OathUser {
    int line = 0;
    wire::ImportFactor request;
    std::vector<std::string> notes;
    std::string problem;
};

// Every user the file names, by name. A line too broken to
// name its user is an error for the whole file.
Result<std::map<std::string, OathUser>> parse_oath_usersfile(std::string_view text, const std::string& where);

}  // namespace mfa::cli
