// RECOVERY_EMAIL_SET and RECOVERY_EMAIL_CONFIRM (mfactl recovery-email), and
// how status and factors show the address.
#pragma once

#include "server/request_context.hpp"

namespace mfa::daemon {

// "a•••@example.com", with "(unconfirmed: a new one waits for its code)" when one does; "" when none.
std::string shown_recovery_email(const DaemonState& state, const UserRecord& user);

}  // namespace mfa::daemon
