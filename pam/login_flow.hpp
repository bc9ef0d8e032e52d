// One pam_sm_authenticate: BEGIN, then the steps mfad sends, each shown and
// answered, until a verdict, mapped to a PAM code.
#pragma once

#include <security/pam_modules.h>

#include "module_args.hpp"

namespace mfa::pam {

int run_login(pam_handle_t* pamh, int flags, const ModuleArgs& args);

}  // namespace mfa::pam
