// Typed messages over frames. Every decode refuses missing, unknown or
// ill-typed fields, so a frame either means exactly one thing or is an error.
#pragma once

#include <cstdint>
#include <string>

#include "mfa/result.hpp"
#include "mfa/wire/tlv.hpp"

namespace mfa::wire {

enum class ErrorCode : std::uint32_t {
    malformed = 1,         // the frame broke a rule; the connection ends
    version_mismatch = 2,  // no protocol version in common
    busy = 3,              // connection cap reached
    permission_denied = 4,
    internal = 5,  // the daemon failed; details are in its log
    unsupported = 6,  // a known frame the daemon does not serve in this state
    refused = 7,      // understood, but policy says no (already enabled, wrong code, ...)
    unknown_user = 8,  // NSS does not know the name (pam_mfa.so: PAM_USER_UNKNOWN)
    store_unavailable = 9,  // mfad answers, its store does not: denied under every fail_mode (PAM_AUTHINFO_UNAVAIL)
};

struct Hello {  // client -> daemon, always first
    std::uint16_t protocol_min = kProtocolMin;
    std::uint16_t protocol_max = kProtocolMax;
    std::string software;
};

struct HelloOk {
    std::uint16_t protocol = 0;
    std::string software;
};

struct ErrorReply {
    ErrorCode code = ErrorCode::internal;
    std::string message;
};

struct StatusReply {
    std::string software;
    std::uint32_t schema_version = 0;
    std::uint64_t uptime_ms = 0;
    std::string store;  // kFleetProtocol: "sqlite", "postgresql", or "postgresql unreachable"
};

FrameWriter encode(const Hello& m, std::uint32_t request_id);
FrameWriter encode(const HelloOk& m, std::uint32_t request_id);
FrameWriter encode(const ErrorReply& m, std::uint32_t request_id);
FrameWriter encode(const StatusReply& m, std::uint32_t request_id);
// PING, PONG and STATUS carry no fields.
FrameWriter encode_empty(MessageType type, std::uint32_t request_id);

Result<Hello> decode_hello(const PayloadReader& payload);
Result<HelloOk> decode_hello_ok(const PayloadReader& payload);
Result<ErrorReply> decode_error(const PayloadReader& payload);
Result<StatusReply> decode_status_reply(const PayloadReader& payload);
Result<void> decode_empty(const PayloadReader& payload);

std::string error_code_name(ErrorCode code);

}  // namespace mfa::wire
