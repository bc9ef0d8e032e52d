#pragma once

#include "command.hpp"
#include "daemon_connection.hpp"

namespace mfa::cli {

// Round trip of one PING, plus what STATUS says about the daemon.
CommandResult run_ping(const GlobalOptions& options);

}  // namespace mfa::cli
