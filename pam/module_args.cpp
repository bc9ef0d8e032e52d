#include "module_args.hpp"

#include <charconv>
#include <string_view>

#include "mfa/utf8.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::pam {
namespace {

bool parse_int(std::string_view text, int low, int high, int& out) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < low || value > high) return false;
    out = value;
    return true;
}

}  // namespace

bool parse_module_args(int argc, const char** argv, ModuleArgs& args, std::string& problem) {
    for (int i = 0; i < argc; ++i) {
        std::string_view arg(argv[i]);
        auto eq = arg.find('=');
        std::string_view name = arg.substr(0, eq);
        std::string_view value = eq == std::string_view::npos ? std::string_view() : arg.substr(eq + 1);
        bool ok = true;
        if (name == "socket" && eq != std::string_view::npos) {
            ok = !value.empty() && value.front() == '/';
            args.socket = value;
        } else if (name == "timeout" && eq != std::string_view::npos) {
            int seconds = 0;
            ok = parse_int(value, 1, 300, seconds);
            args.timeout = std::chrono::seconds(seconds);
        } else if (name == "tries" && eq != std::string_view::npos) {
            ok = parse_int(value, 1, 10, args.tries);
        } else if (name == "fail_mode" && eq != std::string_view::npos) {
            ok = value == "secure" || value == "open";
            args.fail_mode = value == "open" ? FailMode::open : FailMode::secure;
        } else if (name == "prompt" && eq != std::string_view::npos) {
            // mfad refuses a prompt it could not show safely; say so here, at the argument.
            ok = value.size() <= wire::kMaxMessage && valid_identifier_text(value);
            args.prompt = value;
        } else if (name == "code_digits" && eq != std::string_view::npos) {
            ok = parse_int(value, 6, 8, args.code_digits);
        } else if (arg == "forward_pass") {
            args.forward_pass = true;
        } else if (arg == "nullok") {
            args.nullok = true;
        } else if (arg == "enforce_enrollment") {
            args.enforce_enrollment = true;
        } else if (arg == "debug") {
            args.debug = true;
        } else {
            ok = false;
        }
        if (!ok) {
            problem = std::string(arg);
            return false;
        }
    }
    return true;
}

}  // namespace mfa::pam
