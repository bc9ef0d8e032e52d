// mfactl recovery-email set --address A | confirm --code C
#pragma once

#include <string>

#include "command.hpp"
#include "daemon_connection.hpp"

namespace mfa::cli {

struct RecoveryEmailOptions {
    std::string user;  // empty: the invoking user
    std::string address;
    std::string code;
};

// Once you have a factor, you are asked for a current code from it: the
// address can reset your second factor, so it is set like a new factor.
CommandResult run_recovery_email_set(const GlobalOptions& global, const RecoveryEmailOptions& options);
CommandResult run_recovery_email_confirm(const GlobalOptions& global, const RecoveryEmailOptions& options);

}  // namespace mfa::cli
