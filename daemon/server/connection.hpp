// One client connection: handshake first, then request/reply frames until the
// client leaves, breaks a rule, idles past the timeout, or the daemon stops.
#pragma once

#include <array>
#include <memory>

#include "mfa/wire/tlv.hpp"
#include "server/asio.hpp"
#include "server/connection_state.hpp"
#include "server/peer.hpp"

namespace mfa::daemon {

class Server;

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(Socket socket, Peer peer, Server& server);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void start();
    void close_if_idle();

private:
    Awaitable<void> serve();
    Awaitable<void> watch_deadline();
    // false when the connection ended (closed, timed out or a bad header).
    Awaitable<bool> read_frame(wire::Header& header);
    Awaitable<void> send(wire::FrameWriter& frame);
    Awaitable<bool> handshake(const wire::Header& header, const wire::PayloadReader& payload);
    // string_view: a std::string temporary in a co_await expression is destroyed twice by g++ 12.
    Awaitable<void> refuse(std::uint32_t request_id, std::string_view reason);
    void close();

    Socket socket_;
    Peer peer_;
    Server& server_;
    asio::steady_timer deadline_;
    bool idle_ = true;
    ConnectionState state_;
    std::array<std::uint8_t, wire::kMaxPayload> payload_{};
};

}  // namespace mfa::daemon
