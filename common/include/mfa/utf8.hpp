#pragma once

#include <string>
#include <string_view>

namespace mfa {

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF) without NUL.
bool valid_utf8_text(std::string_view text);

// Well-formed UTF-8 without any control character: C0 (U+0000-U+001F), DEL
// and C1 (U+0080-U+009F). What every name on the wire must be, so no user,
// service or host name can move a cursor or start a forged log line.
bool valid_identifier_text(std::string_view text);

// `text` with every control character, DEL, C1 character and byte that is
// not UTF-8 written as \xNN (and '\' as \\), so it is safe on a terminal and
// in a one-line log. Printable UTF-8 passes unchanged.
std::string printable(std::string_view text);

}  // namespace mfa
