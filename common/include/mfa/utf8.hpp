#pragma once

#include <string_view>

namespace mfa {

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF) without NUL.
bool valid_utf8_text(std::string_view text);

}  // namespace mfa
