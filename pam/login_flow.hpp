// One pam_sm_authenticate: BEGIN, then the steps mfad sends, each shown and
// answered, until a verdict, mapped to a PAM code.
#pragma once

#include <security/pam_modules.h>

#include <optional>
#include <string>

#include "module_args.hpp"

namespace mfa::pam {

// `forwarded`: the code forward_pass kept (the person already typed it): it
// answers the first step, and no step is shown or asked.
int run_login(pam_handle_t* pamh, int flags, const ModuleArgs& args, const std::optional<std::string>& forwarded = {});

}  // namespace mfa::pam
