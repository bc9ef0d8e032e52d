// mfad-notify's life: the config's notify and sms sections, the provider,
// the socket, and the event loop until SIGTERM.
#pragma once

#include <string>

namespace mfa::notify {

// --check-config: sets up everything (the provider's credential and CAs too) but serves nothing.
int run_notify(const std::string& config_path, bool check_only);

}  // namespace mfa::notify
