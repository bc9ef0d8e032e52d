// A subcommand's outcome: JSON for --json, text otherwise, or an error for stderr.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "mfa/result.hpp"

namespace mfa::cli {

struct Output {
    nlohmann::json json;
    std::string text;
    int exit_code = 0;  // 1: printed, but something was refused (an import's users)
};

using CommandResult = Result<Output>;

}  // namespace mfa::cli
