// Reads mfad.yaml. Every problem is one message "FILE:LINE: key.path: reason".
#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"
#include "mfa/result.hpp"

namespace mfa::daemon {

Result<Config> load_config(const std::string& path);

// file_name only labels the messages.
Result<Config> parse_config(std::string_view yaml, const std::string& file_name);

}  // namespace mfa::daemon
