#include "mfa/utf8.hpp"

#include <cstdio>

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

// The length of the well-formed sequence at p[i], or 0 if there is none.
std::size_t valid_sequence_at(const unsigned char* p, std::size_t n, std::size_t i) {
    unsigned char b = p[i];
    std::size_t len = sequence_length(b);
    if (len == 0 || i + len > n) return 0;
    for (std::size_t k = 1; k < len; ++k)
        if ((p[i + k] & 0xc0) != 0x80) return 0;
    // Overlong three/four-byte forms, UTF-16 surrogates and code points past U+10FFFF.
    if (b == 0xe0 && p[i + 1] < 0xa0) return 0;
    if (b == 0xed && p[i + 1] >= 0xa0) return 0;
    if (b == 0xf0 && p[i + 1] < 0x90) return 0;
    if (b == 0xf4 && p[i + 1] >= 0x90) return 0;
    return len;
}

// C0, DEL, or C1 (encoded as C2 80..C2 9F).
bool control_at(const unsigned char* p, std::size_t len) {
    if (len == 1) return p[0] < 0x20 || p[0] == 0x7f;
    return len == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

}  // namespace

bool valid_utf8_text(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = valid_sequence_at(p, text.size(), i);
        if (len == 0 || p[i] == 0) return false;
        i += len;
    }
    return true;
}

bool valid_identifier_text(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = valid_sequence_at(p, text.size(), i);
        if (len == 0 || control_at(p + i, len)) return false;
        i += len;
    }
    return true;
}

std::string printable(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::size_t len = valid_sequence_at(p, text.size(), i);
        if (len != 0 && !control_at(p + i, len) && p[i] != '\\') {
            out.append(text.data() + i, len);
            i += len;
            continue;
        }
        if (p[i] == '\\') {
            out += "\\\\";
            ++i;
            continue;
        }
        // One escaped byte at a time: a C1 character shows as its two bytes.
        std::size_t bytes = len == 0 ? 1 : len;
        for (std::size_t k = 0; k < bytes; ++k) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", p[i + k]);
            out += hex;
        }
        i += bytes;
    }
    return out;
}

}  // namespace mfa
