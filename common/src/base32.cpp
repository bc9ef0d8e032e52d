#include "mfa/base32.hpp"

#include <array>

namespace mfa::base32 {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// Value of a base32 digit, or -1.
int digit_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

// A final group of n digits carries whole bytes only for these n.
bool valid_tail_length(std::size_t n) { return n == 0 || n == 2 || n == 4 || n == 5 || n == 7; }

std::string describe(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
    static constexpr char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
}

}  // namespace

std::string encode(std::span<const std::uint8_t> data) {
    std::string out;
    out.reserve((data.size() * 8 + 4) / 5);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t byte : data) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out.push_back(kAlphabet[(buffer >> bits) & 31]);
        }
    }
    if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

Result<std::vector<std::uint8_t>> decode(std::string_view text) {
    std::vector<std::uint8_t> out;
    out.reserve(text.size() * 5 / 8);
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t digits = 0;
    std::size_t padding = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == ' ') continue;
        if (c == '=') {
            ++padding;
            continue;
        }
        int v = digit_value(c);
        if (v < 0)
            return make_error("base32: invalid character " + describe(c) + " at position " +
                              std::to_string(i + 1));
        if (padding > 0)
            return make_error("base32: data after padding at position " + std::to_string(i + 1));
        buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
        bits += 5;
        ++digits;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>(buffer >> bits));
        }
    }
    if (!valid_tail_length(digits % 8))
        return make_error("base32: " + std::to_string(digits) +
                          " characters cannot encode whole bytes (truncated secret?)");
    if (padding > 0 && ((digits + padding) % 8 != 0 || padding >= 8))
        return make_error("base32: wrong amount of padding");
    return out;
}

}  // namespace mfa::base32
