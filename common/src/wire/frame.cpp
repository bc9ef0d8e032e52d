#include "mfa/wire/frame.hpp"

#include "mfa/wire/byte_order.hpp"

namespace mfa::wire {

bool known_message_type(std::uint16_t type) {
    return type >= static_cast<std::uint16_t>(MessageType::hello) &&
           type <= static_cast<std::uint16_t>(MessageType::migrate_store);
}

HeaderBytes encode_header(const Header& header) {
    HeaderBytes out{};
    put_be32(&out[0], kMagic);
    put_be16(&out[4], kFrameVersion);
    put_be16(&out[6], static_cast<std::uint16_t>(header.type));
    put_be32(&out[8], header.length);
    put_be32(&out[12], header.request_id);
    return out;
}

Result<Header> decode_header(std::span<const std::uint8_t, kHeaderSize> bytes,
                             std::uint32_t max_payload) {
    if (get_be32(&bytes[0]) != kMagic) return make_error("frame: bad magic");
    if (get_be16(&bytes[4]) != kFrameVersion) return make_error("frame: unsupported frame version");
    std::uint16_t type = get_be16(&bytes[6]);
    if (!known_message_type(type)) return make_error("frame: unknown message type");
    Header header{static_cast<MessageType>(type), get_be32(&bytes[8]), get_be32(&bytes[12])};
    if (header.length > max_payload) return make_error("frame: payload over the size cap");
    return header;
}

}  // namespace mfa::wire
