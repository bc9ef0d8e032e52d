#pragma once

#include <string>

#include "command.hpp"
#include "daemon_connection.hpp"

namespace mfa::cli {

// mfactl admin unlock|reset --user U [--reason R]
CommandResult run_admin_action(const GlobalOptions& global, const std::string& action, const std::string& user,
                               const std::string& reason);

// mfactl audit verify: fails (exit 1) when the chain is broken, naming the row.
CommandResult run_audit_verify(const GlobalOptions& global);

}  // namespace mfa::cli
