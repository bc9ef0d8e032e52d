// Email addresses as mfad accepts them: a plain addr-spec (local@domain) in a
// conservative character set, so an address can go into a mail header as it
// is, and nothing a user types can add a header, a recipient or a comment.
#pragma once

#include <string>
#include <string_view>

namespace mfa {

inline constexpr std::size_t kMaxEmailAddress = 254;  // RFC 5321's path limit, less the brackets

// local@domain: the local part 1..64 of [A-Za-z0-9._%+-] (no leading '-', no
// leading, trailing or doubled dot); the domain two or more labels of [A-Za-z0-9-] (1..63, no
// leading or trailing '-'). No display name, no quotes, no comments, no spaces.
bool valid_email_address(std::string_view address);

// The address as one spelling: the domain in lower case (the local part is
// the mailbox owner's, kept as typed).
std::string canonical_email_address(std::string_view address);

// For people and logs: "a•••@example.com".
std::string mask_email_address(std::string_view address);

}  // namespace mfa
