#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mfa/utf8.hpp"
#include "mfa/wire/messages.hpp"
#include "server/connection_state.hpp"
#include "server/daemon_state.hpp"
#include "server/peer.hpp"

namespace mfa::daemon {

struct RequestContext {
    DaemonState& state;
    const Peer& peer;
    ConnectionState& connection;
    std::uint32_t request_id;

    // The message made printable: text from elsewhere (a database's error)
    // that is not UTF-8 would cost the client the code it must act on.
    wire::FrameWriter error(wire::ErrorCode code, const std::string& message) const {
        return wire::encode(wire::ErrorReply{code, printable(message)}, request_id);
    }
};

struct Outcome {
    wire::FrameWriter reply;
    // The request broke a rule: send the reply, then end the connection.
    std::optional<std::string> violation;
};

// A store failure is logged once here and reaches the client as "internal error".
Outcome internal_error(const RequestContext& ctx, const Error& error);

}  // namespace mfa::daemon
