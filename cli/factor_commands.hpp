// mfactl factors; mfactl factor primary|remove NAME.
#pragma once

#include <string>

#include "command.hpp"
#include "daemon_connection.hpp"

namespace mfa::cli {

// Every factor of the user: name, kind, state, primary, created, last used.
CommandResult run_factors_list(const GlobalOptions& global, const std::string& user);

struct FactorChangeOptions {
    std::string user;    // empty: the invoking user
    std::string name;
    std::string reason;  // an administrator's removal: why
};

CommandResult run_factor_primary(const GlobalOptions& global, const FactorChangeOptions& options);

// A user removing their own factor is asked for a code from another factor.
CommandResult run_factor_remove(const GlobalOptions& global, const FactorChangeOptions& options);

}  // namespace mfa::cli
