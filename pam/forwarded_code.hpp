// forward_pass's hand-off between two lines of one auth stack:
//
//   auth    requisite pam_mfa.so forward_pass       # one prompt; PAM_AUTHTOK = the password
//   auth    requisite pam_unix.so use_first_pass   # the password
//   auth    required  pam_mfa.so                   # only now the code goes to mfad
//   account required  pam_mfa.so                   # the guard below
//
// The first line keeps the code in PAM data (wiped when PAM ends); the third
// spends it. So a wrong password never reaches mfad and never uses up the
// code. A stack that forgets the third line would pass on the password alone:
// pam_sm_acct_mgmt refuses while a kept code is unspent.
#pragma once

#include <security/pam_modules.h>

#include <optional>
#include <string>

#include "module_args.hpp"

namespace mfa::pam {

// The first line: asks "Password and code", sets PAM_AUTHTOK, keeps the code.
int forward_password(pam_handle_t* pamh, int flags, const ModuleArgs& args);

// The code the first line kept and no line has spent yet, if any.
std::optional<std::string> take_forwarded_code(pam_handle_t* pamh);

// True when a code was kept and never taken: the stack lacks its last line.
bool forwarded_code_unspent(pam_handle_t* pamh);

}  // namespace mfa::pam
