#include "mfa/otpauth_uri.hpp"

#include <charconv>
#include <map>

#include "mfa/base32.hpp"
#include "mfa/utf8.hpp"

namespace mfa {
namespace {

constexpr std::string_view kPrefix = "otpauth://totp/";

bool unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

Result<int> parse_int(std::string_view name, std::string_view text, int low, int high) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < low || value > high)
        return make_error("otpauth: " + std::string(name) + " must be a number from " +
                          std::to_string(low) + " to " + std::to_string(high));
    return value;
}

Result<std::map<std::string, std::string>> parse_query(std::string_view query) {
    std::map<std::string, std::string> params;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        if (eq == std::string_view::npos) return make_error("otpauth: parameter without '='");
        auto key = percent_decode(pair.substr(0, eq));
        auto value = percent_decode(pair.substr(eq + 1));
        if (!key) return key.error();
        if (!value) return value.error();
        if (!params.emplace(std::move(*key), std::move(*value)).second)
            return make_error("otpauth: repeated parameter");
    }
    return params;
}

Result<void> apply_parameters(OtpauthUri& uri, const std::map<std::string, std::string>& params) {
    auto secret = params.find("secret");
    if (secret == params.end()) return make_error("otpauth: no secret");
    auto key = base32::decode(secret->second);
    if (!key) return key.error();
    if (key->empty()) return make_error("otpauth: empty secret");
    uri.secret = std::move(*key);

    if (auto it = params.find("issuer"); it != params.end()) {
        if (!uri.issuer.empty() && uri.issuer != it->second)
            return make_error("otpauth: issuer in label and parameter differ");
        uri.issuer = it->second;
    }
    if (auto it = params.find("algorithm"); it != params.end()) {
        auto algorithm = otp::parse_algorithm(it->second);
        if (!algorithm) return make_error("otpauth: unknown algorithm");
        uri.algorithm = *algorithm;
    }
    if (auto it = params.find("digits"); it != params.end()) {
        auto digits = parse_int("digits", it->second, otp::kMinDigits, otp::kMaxDigits);
        if (!digits) return digits.error();
        uri.digits = *digits;
    }
    if (auto it = params.find("period"); it != params.end()) {
        auto period = parse_int("period", it->second, 1, 86400);
        if (!period) return period.error();
        uri.period = *period;
    }
    return {};
}

}  // namespace

std::string percent_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (unreserved(c)) {
            out.push_back(c);
        } else {
            auto u = static_cast<unsigned char>(c);
            out += {'%', hex[u >> 4], hex[u & 15]};
        }
    }
    return out;
}

Result<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
            int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) return make_error("otpauth: bad percent-encoding");
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return make_error("otpauth: control character in URI");
        out.push_back(c);
    }
    return out;
}

std::string build_otpauth_uri(const OtpauthUri& uri) {
    std::string out(kPrefix);
    if (!uri.issuer.empty()) out += percent_encode(uri.issuer) + ":";
    out += percent_encode(uri.account);
    out += "?secret=" + base32::encode(uri.secret);
    if (!uri.issuer.empty()) out += "&issuer=" + percent_encode(uri.issuer);
    out += "&algorithm=" + std::string(otp::algorithm_name(uri.algorithm));
    out += "&digits=" + std::to_string(uri.digits);
    out += "&period=" + std::to_string(uri.period);
    return out;
}

Result<OtpauthUri> parse_otpauth_uri(std::string_view text) {
    if (text.substr(0, kPrefix.size()) != kPrefix)
        return make_error("otpauth: not an otpauth://totp/ URI");
    text.remove_prefix(kPrefix.size());
    auto question = text.find('?');
    if (question == std::string_view::npos) return make_error("otpauth: no parameters");

    auto label = percent_decode(text.substr(0, question));
    if (!label) return label.error();
    OtpauthUri uri;
    if (auto colon = label->find(':'); colon != std::string::npos) {
        uri.issuer = label->substr(0, colon);
        uri.account = label->substr(colon + 1);
        if (uri.issuer.empty()) return make_error("otpauth: empty issuer before ':'");
    } else {
        uri.account = *label;
    }
    // Apps tolerate spaces after the label's colon.
    while (!uri.account.empty() && uri.account.front() == ' ') uri.account.erase(0, 1);
    if (uri.account.empty()) return make_error("otpauth: no account name");

    auto params = parse_query(text.substr(question + 1));
    if (!params) return params.error();
    if (auto applied = apply_parameters(uri, *params); !applied) return applied.error();
    // The colon separates issuer from account, so neither may hold one.
    if (uri.issuer.find(':') != std::string::npos) return make_error("otpauth: ':' in the issuer");
    if (uri.account.find(':') != std::string::npos) return make_error("otpauth: ':' in the account name");
    if (!valid_utf8_text(uri.issuer) || !valid_utf8_text(uri.account))
        return make_error("otpauth: label or issuer is not UTF-8 text");
    return uri;
}

}  // namespace mfa
