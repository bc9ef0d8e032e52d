#include "provider.hpp"

#include <algorithm>

namespace mfa::notify {

std::string clean_message_id(std::string_view raw) {
    while (!raw.empty() && (raw.back() == '\r' || raw.back() == ' ')) raw.remove_suffix(1);
    bool printable = raw.size() <= 128 && std::all_of(raw.begin(), raw.end(), [](char c) { return c > ' ' && c < 127; });
    return printable ? std::string(raw) : std::string();
}

}  // namespace mfa::notify
