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
    // The payload lands in payload_.
    Awaitable<bool> read_frame(wire::Header& header);
    // Reads until `n` unread bytes are buffered; false if the connection ended.
    Awaitable<bool> fill(std::size_t n);
    // The connection closes at now + `limit` unless a frame moves it again.
    void set_deadline(std::chrono::steady_clock::duration limit);
    Awaitable<void> send(wire::FrameWriter& frame);
    Awaitable<bool> handshake(const wire::Header& header, const wire::PayloadReader& payload);
    // string_view: a std::string temporary in a co_await expression is destroyed twice by g++ 12.
    Awaitable<void> refuse(std::uint32_t request_id, std::string_view reason);
    void close();

    Socket socket_;
    Peer peer_;
    Server& server_;
    // The timer wakes at the deadline as it was when armed; moving the deadline
    // later is only a store, so a busy connection does not re-arm it per frame.
    asio::steady_timer deadline_;
    std::chrono::steady_clock::time_point deadline_at_;
    bool idle_ = true;
    ConnectionState state_;
    // Bytes read ahead: a frame usually arrives whole, often with the next one
    // (HELLO and BEGIN travel together), so one read serves both. Left
    // uninitialised, and wiped only as far as they were written: a login's
    // frames are small, so most of the 8 KiB is never touched, and 256
    // connections do not cost 2 MiB of resident memory. Nothing reads a byte
    // before it was written (in_ below in_end_, payload_ below the length).
    std::array<std::uint8_t, wire::kHeaderSize + wire::kMaxPayload> in_;
    std::size_t in_begin_ = 0;
    std::size_t in_end_ = 0;
    std::size_t in_written_ = 0;  // the most of in_ ever written
    std::array<std::uint8_t, wire::kMaxPayload> payload_;
    std::size_t payload_written_ = 0;
};

}  // namespace mfa::daemon
