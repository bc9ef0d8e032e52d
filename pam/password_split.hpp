// forward_pass: one answer holds the password and the code. The code is what
// follows the last ',' (any code: an app's, a backup code), or else the last
// `digits` characters when they are all digits. No ',' and no such digits:
// the whole answer is the password and there is no code.
#pragma once

#include <string_view>

namespace mfa::pam {

struct PasswordAndCode {
    std::string_view password;
    std::string_view code;
};

// Views into `answer`: nothing is copied.
PasswordAndCode split_password_and_code(std::string_view answer, int digits);

}  // namespace mfa::pam
