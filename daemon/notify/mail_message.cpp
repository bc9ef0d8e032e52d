#include "notify/mail_message.hpp"

#include <openssl/rand.h>
#include <time.h>

#include <array>

#include "mfa/email_address.hpp"
#include "mfa/utf8.hpp"

namespace mfa::notify {
namespace {

// RFC 5322's date, in English whatever the locale: "Sun, 29 Nov 2026 23:59:00 +0000".
std::string rfc5322_date(std::int64_t unix_seconds) {
    static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = static_cast<time_t>(unix_seconds);
    tm utc{};
    gmtime_r(&t, &utc);
    char clock[16];
    snprintf(clock, sizeof clock, "%02d:%02d:%02d", utc.tm_hour, utc.tm_min, utc.tm_sec);
    return std::string(kDays[static_cast<std::size_t>(utc.tm_wday)]) + ", " + std::to_string(utc.tm_mday) + " " +
           kMonths[static_cast<std::size_t>(utc.tm_mon)] + " " + std::to_string(utc.tm_year + 1900) + " " + clock +
           " +0000";
}

// Every body line ends in CRLF-free "\n" (sendmail converts), none longer than RFC 5322's 998.
Result<std::string> body_lines(std::string_view body) {
    std::string out;
    for (std::size_t at = 0; at <= body.size();) {
        auto end = body.find('\n', at);
        if (end == std::string_view::npos) end = body.size();
        auto line = body.substr(at, end - at);
        if (line.size() > 998 || !valid_identifier_text(line)) return make_error("the body has an unusable line");
        out += std::string(line) + "\n";
        at = end + 1;
    }
    return out;
}

}  // namespace

Result<std::string> new_message_id(const std::string& from) {
    std::array<unsigned char, 16> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) return make_error("RAND_bytes failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id = "<mfad.";
    for (unsigned char byte : random) id += {kHex[byte >> 4], kHex[byte & 15]};
    auto at = from.find('@');
    return id + "@" + (at == std::string::npos ? "localhost" : from.substr(at + 1)) + ">";
}

Result<std::string> build_mail_message(const MailParts& parts) {
    if (!valid_email_address(parts.from) || !valid_email_address(parts.to)) return make_error("not a plain address");
    if (parts.subject.empty() || parts.subject.size() > 200 || !valid_identifier_text(parts.subject))
        return make_error("the subject is not one line of text");
    auto body = body_lines(parts.body);
    if (!body) return body.error();
    // The subject is mfad's own text (ASCII); anything else goes out as UTF-8 in the body only.
    for (unsigned char c : parts.subject)
        if (c >= 0x80) return make_error("the subject is not ASCII");
    return "From: " + parts.from + "\n" + "To: " + parts.to + "\n" + "Subject: " + parts.subject + "\n" +
           "Date: " + rfc5322_date(parts.date) + "\n" + "Message-ID: " + parts.message_id + "\n" +
           "MIME-Version: 1.0\n" + "Content-Type: text/plain; charset=utf-8\n" + "Content-Transfer-Encoding: 8bit\n" +
           "Auto-Submitted: auto-generated\n" + "\n" + *body;
}

}  // namespace mfa::notify
