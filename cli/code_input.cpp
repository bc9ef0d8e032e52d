#include "code_input.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace mfa::cli {
namespace {

// Turns echo off for as long as it lives.
class NoEcho {
public:
    NoEcho() : active_(tcgetattr(STDIN_FILENO, &saved_) == 0) {
        if (!active_) return;
        termios quiet = saved_;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
    ~NoEcho() {
        if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    }
    NoEcho(const NoEcho&) = delete;
    NoEcho& operator=(const NoEcho&) = delete;

private:
    termios saved_{};
    bool active_;
};

}  // namespace

Result<std::string> read_code(const std::string& prompt) {
    std::string code;
    if (isatty(STDIN_FILENO)) {
        std::cerr << prompt << std::flush;
        NoEcho quiet;
        std::getline(std::cin, code);
        std::cerr << "\n";
    } else {
        std::getline(std::cin, code);
    }
    if (!code.empty() && code.back() == '\r') code.pop_back();
    if (code.empty()) return make_error("no code given: type the code the authenticator app shows");
    return code;
}

}  // namespace mfa::cli
