// pam_mfa.so's arguments: socket= timeout= tries= nullok enforce_enrollment
// fail_mode=secure|open prompt= forward_pass code_digits= debug
#pragma once

#include <chrono>
#include <string>

namespace mfa::pam {

enum class FailMode { secure, open };

struct ModuleArgs {
    std::string socket = "/run/mfad/mfad.sock";
    std::chrono::milliseconds timeout{10000};
    int tries = 3;
    bool nullok = false;
    bool enforce_enrollment = false;  // a user without a factor enrolls at login, grace or not
    FailMode fail_mode = FailMode::secure;
    std::string prompt;  // empty: the daemon's prompt
    bool forward_pass = false;  // this line asks for password and code at once (forwarded_code.hpp)
    int code_digits = 6;        // forward_pass: how many trailing digits are the code
    bool debug = false;
};

// Parses argv; on an unknown or malformed argument returns false and names it in `problem`.
bool parse_module_args(int argc, const char** argv, ModuleArgs& args, std::string& problem);

}  // namespace mfa::pam
