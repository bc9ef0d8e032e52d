#include "import/oath_usersfile.hpp"

#include <openssl/crypto.h>

#include <charconv>
#include <ctime>
#include <optional>

#include "import/key_text.hpp"
#include "import/text_lines.hpp"

namespace mfa::cli {
namespace {

struct TokenType {
    bool totp = false;
    int digits = 6;
    int period = 0;
};

// As liboath's parse_type: HOTP[/E[/D]] and HOTP/T30|T60[/D], D in 6..8.
std::optional<TokenType> token_type(std::string_view type) {
    for (int digits : {0, 6, 7, 8}) {
        std::string suffix = digits == 0 ? "" : "/" + std::to_string(digits);
        int d = digits == 0 ? 6 : digits;
        if (type == "HOTP" && digits == 0) return TokenType{false, 6, 0};
        if (type == "HOTP/E" + suffix) return TokenType{false, d, 0};
        if (type == "HOTP/T30" + suffix) return TokenType{true, d, 30};
        if (type == "HOTP/T60" + suffix) return TokenType{true, d, 60};
    }
    return std::nullopt;
}

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    while (true) {
        at = line.find_first_not_of(" \t\r", at);
        if (at == std::string_view::npos) return out;
        auto end = line.find_first_of(" \t\r", at);
        out.push_back(line.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
        if (end == std::string_view::npos) return out;
        at = end;
    }
}

// The time step of the last code used: its time (liboath writes local time
// with a literal 'L') over the period, plus the position it matched at.
std::optional<std::int64_t> last_totp_step(std::string_view position, std::string_view time, int period) {
    long offset = 0;
    auto [end, ec] = std::from_chars(position.data(), position.data() + position.size(), offset);
    if (ec != std::errc{} || end != position.data() + position.size()) return std::nullopt;
    std::tm tm{};
    std::string text(time);
    const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SL", &tm);
    if (rest == nullptr || *rest != '\0') return std::nullopt;
    tm.tm_isdst = -1;
    std::time_t when = mktime(&tm);
    if (when < 0) return std::nullopt;
    return static_cast<std::int64_t>(when) / period + offset;
}

void read_line(const std::vector<std::string_view>& f, const TokenType& type, OathUser& out) {
    auto& m = out.request;
    m.kind = type.totp ? "totp" : "hotp";
    m.name = "oath";
    m.source = "oath";
    m.digits = static_cast<std::uint32_t>(type.digits);
    m.period = static_cast<std::uint32_t>(type.period);
    if (f.size() < 4) {
        out.problem = "no key";
        return;
    }
    if (f[2] == "+") out.notes.push_back("its PIN was checked by another module (+): keep that module in the stack");
    else if (f[2] != "-") {
        out.problem = "it has a PIN in the usersfile; mfad keeps no PINs, so importing it would drop a secret";
        return;
    }
    auto key = decode_key(f[3], KeyEncoding::hex);
    if (!key) {
        out.problem = key.error().message;
        return;
    }
    m.secret = key_to_wire(*key);
    if (f.size() == 4) return;  // never used: from counter 0, or any time step
    if (f.size() != 7) {
        out.problem = "the counter, last code and time must come together";
        return;
    }
    if (type.totp) {
        auto step = last_totp_step(f[4], f[6], type.period);
        if (!step || *step < 0) {
            out.problem = "the position or time of the last code is malformed";
            return;
        }
        m.counter = static_cast<std::uint64_t>(*step) + 1;
        return;
    }
    std::uint64_t counter = 0;
    auto [end, ec] = std::from_chars(f[4].data(), f[4].data() + f[4].size(), counter);
    if (ec != std::errc{} || end != f[4].data() + f[4].size() || counter == UINT64_MAX) {
        out.problem = "the counter is not a number";
        return;
    }
    m.counter = counter + 1;  // liboath keeps the counter of the code last used
}

}  // namespace

Result<std::map<std::string, OathUser>> parse_oath_usersfile(std::string_view text, const std::string& where) {
    std::map<std::string, OathUser> users;
    TextLines lines(text);
    for (std::string_view line; lines.next(line);) {
        int line_number = lines.number();
        auto f = fields(line);
        if (f.empty() || f[0].front() == '#') continue;
        std::string here = where + ":" + std::to_string(line_number) + ": ";
        if (f.size() < 2) return make_error(here + "no user name");
        std::string user(f[1]);
        OathUser parsed;
        parsed.line = line_number;
        parsed.request.user = user;
        auto type = token_type(f[0]);
        if (!type)
            parsed.problem = "unknown token type \"" + std::string(f[0]) + "\"";
        else
            read_line(f, *type, parsed);
        if (!parsed.problem.empty()) parsed.problem = here + parsed.problem;
        auto [it, fresh] = users.try_emplace(user, std::move(parsed));
        if (!fresh) {
            OPENSSL_cleanse(parsed.request.secret.data(), parsed.request.secret.size());
            OPENSSL_cleanse(it->second.request.secret.data(), it->second.request.secret.size());
            it->second.problem = here + "a second token for " + user + " (line " + std::to_string(it->second.line) +
                                 " has one); import one of them with mfactl enroll hotp";
        }
    }
    return users;
}

}  // namespace mfa::cli
