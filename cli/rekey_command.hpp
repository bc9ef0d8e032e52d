// mfactl admin rekey --new-key FILE | --status: mfad re-seals every secret
// under the new key while logins go on; this waits, then says what is next.
#pragma once

#include <string>

#include "command.hpp"
#include "daemon_connection.hpp"

namespace mfa::cli {

CommandResult run_admin_rekey(const GlobalOptions& global, const std::string& new_key_file);
CommandResult run_admin_rekey_status(const GlobalOptions& global);

}  // namespace mfa::cli
