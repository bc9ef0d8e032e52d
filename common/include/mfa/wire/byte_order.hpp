// Big-endian integer access for the wire format.
#pragma once

#include <cstdint>

namespace mfa::wire {

inline void put_be16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}

inline void put_be32(std::uint8_t* p, std::uint32_t v) {
    put_be16(p, static_cast<std::uint16_t>(v >> 16));
    put_be16(p + 2, static_cast<std::uint16_t>(v));
}

inline void put_be64(std::uint8_t* p, std::uint64_t v) {
    put_be32(p, static_cast<std::uint32_t>(v >> 32));
    put_be32(p + 4, static_cast<std::uint32_t>(v));
}

inline std::uint16_t get_be16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

inline std::uint32_t get_be32(const std::uint8_t* p) {
    return (std::uint32_t(get_be16(p)) << 16) | get_be16(p + 2);
}

inline std::uint64_t get_be64(const std::uint8_t* p) {
    return (std::uint64_t(get_be32(p)) << 32) | get_be32(p + 4);
}

}  // namespace mfa::wire
