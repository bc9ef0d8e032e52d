// Answers the requests of a connection that has completed the handshake.
#pragma once

#include <optional>

#include "mfa/wire/messages.hpp"
#include "server/asio.hpp"
#include "server/daemon_state.hpp"
#include "server/peer.hpp"

namespace mfa::daemon {

struct Outcome {
    wire::FrameWriter reply;
    // The request broke a rule: send the reply, then end the connection.
    std::optional<std::string> violation;
};

class RequestHandler {
public:
    explicit RequestHandler(DaemonState& state) : state_(state) {}

    Awaitable<Outcome> handle(const Peer& peer, const wire::Header& header, const wire::PayloadReader& payload);

private:
    DaemonState& state_;
};

}  // namespace mfa::daemon
