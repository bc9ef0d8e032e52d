#include "mfa/email_address.hpp"

#include <algorithm>

namespace mfa {
namespace {

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool valid_local_part(std::string_view local) {
    // No leading '-': an address must never read as a program's option.
    if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' || local.front() == '-')
        return false;
    if (local.find("..") != std::string_view::npos) return false;
    return std::all_of(local.begin(), local.end(),
                       [](char c) { return alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; });
}

bool valid_label(std::string_view label) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    return std::all_of(label.begin(), label.end(), [](char c) { return alnum(c) || c == '-'; });
}

bool valid_domain(std::string_view domain) {
    if (domain.empty() || domain.size() > 253) return false;
    int labels = 0;
    for (std::size_t at = 0;; ++labels) {
        auto dot = domain.find('.', at);
        if (!valid_label(domain.substr(at, dot == std::string_view::npos ? std::string_view::npos : dot - at))) return false;
        if (dot == std::string_view::npos) break;
        at = dot + 1;
    }
    return labels >= 1;  // at least two labels: one dot
}

}  // namespace

bool valid_email_address(std::string_view address) {
    if (address.size() > kMaxEmailAddress) return false;
    auto at = address.find('@');
    if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) return false;
    return valid_local_part(address.substr(0, at)) && valid_domain(address.substr(at + 1));
}

std::string canonical_email_address(std::string_view address) {
    std::string out(address);
    auto at = out.find('@');
    if (at == std::string::npos) return out;
    std::transform(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(), out.begin() + static_cast<std::ptrdiff_t>(at),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    return out;
}

std::string mask_email_address(std::string_view address) {
    auto at = address.find('@');
    if (at == std::string_view::npos || at == 0) return "\u2022\u2022\u2022";
    return std::string(address.substr(0, 1)) + "\u2022\u2022\u2022" + std::string(address.substr(at));
}

}  // namespace mfa
