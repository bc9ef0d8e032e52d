#include "password_split.hpp"

#include <algorithm>

namespace mfa::pam {

PasswordAndCode split_password_and_code(std::string_view answer, int digits) {
    auto comma = answer.rfind(',');
    if (comma != std::string_view::npos) return {answer.substr(0, comma), answer.substr(comma + 1)};
    auto n = static_cast<std::size_t>(digits);
    if (answer.size() < n) return {answer, {}};
    std::string_view tail = answer.substr(answer.size() - n);
    if (!std::all_of(tail.begin(), tail.end(), [](char c) { return c >= '0' && c <= '9'; })) return {answer, {}};
    return {answer.substr(0, answer.size() - n), tail};
}

}  // namespace mfa::pam
