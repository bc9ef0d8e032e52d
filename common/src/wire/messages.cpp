#include "mfa/wire/messages.hpp"

namespace mfa::wire {

FrameWriter encode(const Hello& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::hello, request_id);
    w.u16(Tag::protocol_min, m.protocol_min)
        .u16(Tag::protocol_max, m.protocol_max)
        .text(Tag::software_version, m.software);
    return w;
}

FrameWriter encode(const HelloOk& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::hello_ok, request_id);
    w.u16(Tag::protocol, m.protocol).text(Tag::software_version, m.software);
    return w;
}

FrameWriter encode(const ErrorReply& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::error, request_id);
    w.u32(Tag::error_code, static_cast<std::uint32_t>(m.code)).text(Tag::message, m.message);
    return w;
}

FrameWriter encode(const StatusReply& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::status_reply, request_id);
    w.text(Tag::software_version, m.software)
        .u32(Tag::schema_version, m.schema_version)
        .u64(Tag::uptime_ms, m.uptime_ms);
    if (!m.store.empty()) w.text(Tag::store_state, m.store);
    return w;
}

FrameWriter encode_empty(MessageType type, std::uint32_t request_id) {
    return FrameWriter(type, request_id);
}

Result<Hello> decode_hello(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::protocol_min, Tag::protocol_max, Tag::software_version}); !ok)
        return ok.error();
    auto min = p.u16(Tag::protocol_min);
    auto max = p.u16(Tag::protocol_max);
    auto software = p.text(Tag::software_version);
    if (!min) return min.error();
    if (!max) return max.error();
    if (!software) return software.error();
    if (*min > *max) return make_error("hello: empty protocol range");
    return Hello{*min, *max, std::string(*software)};
}

Result<HelloOk> decode_hello_ok(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::protocol, Tag::software_version}); !ok) return ok.error();
    auto protocol = p.u16(Tag::protocol);
    auto software = p.text(Tag::software_version);
    if (!protocol) return protocol.error();
    if (!software) return software.error();
    return HelloOk{*protocol, std::string(*software)};
}

Result<ErrorReply> decode_error(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::error_code, Tag::message}); !ok) return ok.error();
    auto code = p.u32(Tag::error_code);
    auto message = p.text(Tag::message);
    if (!code) return code.error();
    if (!message) return message.error();
    return ErrorReply{static_cast<ErrorCode>(*code), std::string(*message)};
}

Result<StatusReply> decode_status_reply(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::software_version, Tag::schema_version, Tag::uptime_ms, Tag::store_state}); !ok)
        return ok.error();
    auto software = p.text(Tag::software_version);
    auto schema = p.u32(Tag::schema_version);
    auto uptime = p.u64(Tag::uptime_ms);
    if (!software) return software.error();
    if (!schema) return schema.error();
    if (!uptime) return uptime.error();
    StatusReply reply{std::string(*software), *schema, *uptime, ""};
    if (p.has(Tag::store_state)) {
        auto store = p.text(Tag::store_state);
        if (!store) return store.error();
        reply.store = std::string(*store);
    }
    return reply;
}

Result<void> decode_empty(const PayloadReader& p) { return p.allow_only({}); }

std::string error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::malformed: return "malformed request";
        case ErrorCode::version_mismatch: return "protocol version mismatch";
        case ErrorCode::busy: return "daemon busy";
        case ErrorCode::permission_denied: return "permission denied";
        case ErrorCode::internal: return "internal error";
        case ErrorCode::unsupported: return "unsupported request";
        case ErrorCode::refused: return "refused";
        case ErrorCode::unknown_user: return "unknown user";
        case ErrorCode::store_unavailable: return "store unavailable";
    }
    return "error " + std::to_string(static_cast<std::uint32_t>(code));
}

}  // namespace mfa::wire
