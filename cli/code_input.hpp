// Codes are read from the terminal (without echo) or from stdin, so they never
// sit in argv, where every local user can read them with ps.
#pragma once

#include <string>

#include "mfa/result.hpp"

namespace mfa::cli {

// A hidden prompt when stdin is a terminal, else one line of stdin.
Result<std::string> read_code(const std::string& prompt);

}  // namespace mfa::cli
