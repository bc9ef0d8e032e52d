#pragma once

#include "command.hpp"
#include "daemon_connection.hpp"

namespace mfa::cli {

// mfactl stats: mfad's counters since it started.
CommandResult run_stats(const GlobalOptions& global);

}  // namespace mfa::cli
