#include "notify/push_provider.hpp"

#include <algorithm>
#include <charconv>

namespace mfa::notify {

Result<PushAnswer> parse_push_answer(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    auto space = line.find(' ');
    std::string_view word = line.substr(0, space);
    std::string_view rest = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    PushAnswer answer;
    if (word != "approved" && word != "denied" && word != "expired")
        return make_error("the answer is not approved, denied or expired");
    answer.status = std::string(word);
    if (rest.empty()) return answer;
    if (word == "denied" && rest == "not-me") {
        answer.not_me = true;
        return answer;
    }
    int number = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
    if (word != "approved" || rest.size() != 2 || ec != std::errc() || end != rest.data() + rest.size() || number < 10)
        return make_error("the answer holds more than its status (a picked number is two digits)");
    answer.number = number;
    return answer;
}

std::chrono::milliseconds next_poll_interval(std::chrono::milliseconds previous) {
    if (previous.count() <= 0) return std::chrono::milliseconds(1000);
    return std::min(previous * 3 / 2, std::chrono::milliseconds(3000));
}

}  // namespace mfa::notify
