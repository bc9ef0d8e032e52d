#include "import/google_authenticator_file.hpp"

#include "import/text_lines.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace mfa::cli {
namespace {

std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    while (at < line.size()) {
        auto start = line.find_first_not_of(' ', at);
        if (start == std::string_view::npos) break;
        auto end = line.find(' ', start);
        out.push_back(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        at = end == std::string_view::npos ? line.size() : end;
    }
    return out;
}

template <class Int>
bool number(std::string_view text, Int& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<GoogleAuthenticatorFile> parse_google_authenticator_file(std::string_view text, const std::string& where) {
    GoogleAuthenticatorFile file;
    bool saw_totp = false, saw_hotp = false;
    TextLines lines(text);
    int line_number = 0;
    auto fail = [&](const std::string& reason) {
        return make_error(where + (line_number > 0 ? ":" + std::to_string(line_number) : "") + ": " + reason);
    };
    for (std::string_view line; lines.next(line);) {
        line_number = lines.number();
        if (line_number == 1) {
            bool base32 = line.size() >= 16 && line.size() <= 128 && std::all_of(line.begin(), line.end(), [](char c) {
                              return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
                          });
            if (!base32) return fail("the first line must be the base32 secret (16 to 128 of A-Z 2-7)");
            for (char c : line) file.secret += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
            continue;
        }
        if (line.empty()) continue;
        if (line.size() == 8 && all_digits(line)) {
            if (file.scratch_codes.size() == wire::kMaxBackupCodes) return fail("too many scratch codes");
            file.scratch_codes.emplace_back(line);
            continue;
        }
        if (line.rfind("\" ", 0) != 0) return fail("neither an option (\" NAME ...) nor an 8-digit scratch code");
        auto w = words(line.substr(2));
        if (w.empty()) return fail("an empty option");
        std::string_view name = w[0];
        std::size_t args = w.size() - 1;
        if (name == "TOTP_AUTH" && args == 0) {
            saw_totp = true;
        } else if (name == "HOTP_COUNTER" && args == 1 && number(w[1], file.hotp_counter)) {
            saw_hotp = true;
        } else if (name == "STEP_SIZE" && args == 1 && number(w[1], file.step_size) && file.step_size >= 1 &&
                   file.step_size <= 60) {
        } else if (name == "WINDOW_SIZE" && args == 1 && number(w[1], file.window_size) && file.window_size >= 1 &&
                   file.window_size <= 100) {
        } else if (name == "DISALLOW_REUSE") {
            file.disallow_reuse = true;
            for (std::size_t i = 1; i < w.size(); ++i) {
                std::int64_t step = 0;
                if (!number(w[i], step) || step < 0) return fail("DISALLOW_REUSE lists a time step that is not a number");
                file.last_used_step = std::max(file.last_used_step, step);
            }
        } else if (name == "RATE_LIMIT" && args >= 2) {
            file.dropped.push_back("RATE_LIMIT " + std::string(w[1]) + " per " + std::string(w[2]) +
                                   " s (mfad's lockout applies instead)");
        } else if ((name == "TIME_SKEW" && args == 1) || name == "RESETTING_TIME_SKEW") {
            file.dropped.push_back(std::string(name) + " (mfad does not learn a clock's skew)");
        } else {
            return fail("unknown or malformed option \"" + std::string(name) + "\"");
        }
    }
    line_number = 0;
    if (file.secret.empty()) return fail("empty file");
    if (saw_totp == saw_hotp) return fail(saw_totp ? "both TOTP_AUTH and HOTP_COUNTER" : "neither TOTP_AUTH nor HOTP_COUNTER");
    file.totp = saw_totp;
    return file;
}

wire::ImportFactor google_authenticator_import(const GoogleAuthenticatorFile& file, const std::string& user,
                                               std::vector<std::string>& notes) {
    wire::ImportFactor m;
    m.user = user;
    m.name = "google-authenticator";
    m.source = "google-authenticator";
    m.secret = file.secret;
    m.digits = 6;
    m.codes = file.scratch_codes;
    notes = file.dropped;
    if (file.totp) {
        m.kind = "totp";
        m.period = static_cast<std::uint32_t>(file.step_size);
        // It accepts steps -(w-1)/2 .. w/2 around now; ±w/2 keeps every one.
        m.window = file.window_size / 2;
        if (file.window_size % 2 == 0)
            notes.push_back("WINDOW_SIZE " + std::to_string(file.window_size) + " becomes ±" + std::to_string(m.window) + " steps");
        m.counter = file.last_used_step >= 0 ? static_cast<std::uint64_t>(file.last_used_step) + 1 : 0;
        if (!file.disallow_reuse) notes.push_back("a code could be used twice; mfad accepts each once");
    } else {
        m.kind = "hotp";
        // It tries counter .. counter+w-1: w-1 codes ahead.
        m.window = file.window_size - 1;
        m.counter = file.hotp_counter;
    }
    return m;
}

}  // namespace mfa::cli
