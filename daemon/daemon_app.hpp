#pragma once

#include <string>

namespace mfa::daemon {

// Loads config, key and store, serves until SIGTERM, and returns the exit code.
int run_daemon(const std::string& config_path);

}  // namespace mfa::daemon
