// An RFC 5322 message for sendmail -t. Every header is built here from
// checked parts: the address is a plain addr-spec (mfa/email_address.hpp)
// and the subject has no control character, so nothing in them can end a
// header line; the body is text after the blank line, where a "Bcc:" is just words.
#pragma once

#include <cstdint>
#include <string>

#include "mfa/result.hpp"

namespace mfa::notify {

struct MailParts {
    std::string from;     // email.from
    std::string to;       // the recipient
    std::string subject;  // one line
    std::string body;     // lines
    std::int64_t date = 0;  // unix seconds
    std::string message_id;  // new_message_id()
};

// The message, or why the parts cannot make one.
Result<std::string> build_mail_message(const MailParts& parts);

// "<mfad.RANDOM@domain-of-from>": 128 random bits, so no two messages share one.
Result<std::string> new_message_id(const std::string& from);

}  // namespace mfa::notify
