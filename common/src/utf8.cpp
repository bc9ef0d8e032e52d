#include "mfa/utf8.hpp"

namespace mfa {
namespace {

// Length of the UTF-8 sequence starting with lead byte b, or 0 if b cannot lead.
std::size_t sequence_length(unsigned char b) {
    if (b < 0x80) return 1;
    if (b >= 0xc2 && b <= 0xdf) return 2;
    if (b >= 0xe0 && b <= 0xef) return 3;
    if (b >= 0xf0 && b <= 0xf4) return 4;
    return 0;
}

}  // namespace

bool valid_utf8_text(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t n = text.size();
    for (std::size_t i = 0; i < n;) {
        unsigned char b = p[i];
        if (b == 0) return false;
        std::size_t len = sequence_length(b);
        if (len == 0 || i + len > n) return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((p[i + k] & 0xc0) != 0x80) return false;
        // Overlong three/four-byte forms, UTF-16 surrogates and code points past U+10FFFF.
        if (b == 0xe0 && p[i + 1] < 0xa0) return false;
        if (b == 0xed && p[i + 1] >= 0xa0) return false;
        if (b == 0xf0 && p[i + 1] < 0x90) return false;
        if (b == 0xf4 && p[i + 1] >= 0x90) return false;
        i += len;
    }
    return true;
}

}  // namespace mfa
