#pragma once

#include "command.hpp"
#include "daemon_connection.hpp"
#include "mfa/wire/admin_messages.hpp"

namespace mfa::cli {

// mfactl admin disable: a dry run unless request.commit; see DESIGN.md.
CommandResult run_admin_disable(const GlobalOptions& global, const wire::AdminDisable& request);

}  // namespace mfa::cli
