#pragma once

#include <string>

#include "command.hpp"
#include "daemon_connection.hpp"

namespace mfa::cli {

// A user's factors, enrollment and verification times, failures and lock.
CommandResult run_status(const GlobalOptions& global, const std::string& user);

}  // namespace mfa::cli
