#include "server/connection.hpp"

#include <string.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "factors/push/push_wait.hpp"
#include "mfa/version.hpp"
#include "mfa/wire/byte_order.hpp"
#include "mfa/wire/messages.hpp"
#include "server/daemon_state.hpp"
#include "server/server.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

using asio::redirect_error;
using asio::use_awaitable;
using Clock = asio::steady_timer::clock_type;

}  // namespace

Connection::Connection(Socket socket, Peer peer, Server& server)
    : socket_(std::move(socket)), peer_(peer), server_(server), deadline_(socket_.get_executor()) {
    server_.attach(this, peer_.uid);
    state_.end_connection = [this] { close(); };
    state_.hold_open = [this](std::chrono::seconds limit) { set_deadline(limit); };
    state_.peer_gone = [this] {
        char byte;
        if (!socket_.is_open()) return true;
        ssize_t n = recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
    };
    deadline_at_ = Clock::now() + server_.state().config->connections.idle_timeout;
    deadline_.expires_at(deadline_at_);
}

Connection::~Connection() {
    // mfactl went away while its test push waited: nobody will confirm it, so stop it.
    if (state_.enrolling_push) state_.enrolling_push->stop();
    explicit_bzero(in_.data(), in_written_);  // both held codes
    explicit_bzero(payload_.data(), payload_written_);
    server_.detach(this, peer_.uid);
}

void Connection::start() {
    auto self = shared_from_this();
    asio::co_spawn(socket_.get_executor(), [self] { return self->serve(); }, asio::detached);
    asio::co_spawn(socket_.get_executor(), [self] { return self->watch_deadline(); }, asio::detached);
}

void Connection::close() {
    boost::system::error_code ignored;
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
    deadline_.cancel();
}

void Connection::close_if_idle() {
    if (idle_) close();
}

void Connection::set_deadline(std::chrono::steady_clock::duration limit) {
    deadline_at_ = Clock::now() + limit;
    if (deadline_.expiry() > deadline_at_) deadline_.expires_at(deadline_at_);  // sooner: wake the watcher
}

// The deadline covers a whole frame, so a client that trickles bytes gains nothing.
Awaitable<void> Connection::watch_deadline() {
    while (socket_.is_open()) {
        boost::system::error_code ec;
        co_await deadline_.async_wait(redirect_error(use_awaitable, ec));
        if (!socket_.is_open()) break;
        if (deadline_at_ <= Clock::now()) {
            close();
            break;
        }
        if (deadline_.expiry() != deadline_at_) deadline_.expires_at(deadline_at_);
    }
}

Awaitable<void> Connection::serve() {
    bool greeted = false;
    while (!server_.draining()) {
        idle_ = true;
        auto idle_timeout = server_.state().config->connections.idle_timeout;
        // While a login waits for a person to type a code, the idle timeout is
        // the login's, and a little more, so a late answer is still judged.
        set_deadline(state_.login ? server_.state().config->connections.login_timeout + kLateAnswerGrace : idle_timeout);
        wire::Header header;
        if (!co_await read_frame(header)) break;
        idle_ = false;

        auto payload = wire::PayloadReader::parse(std::span(payload_.data(), header.length));
        if (!payload) {
            co_await refuse(header.request_id, payload.error().message);
            break;
        }
        if (!greeted) {
            if (!co_await handshake(header, *payload)) break;
            greeted = true;
            continue;
        }
        auto outcome = co_await server_.handler().handle(peer_, state_, header, *payload);
        if (outcome.violation) server_.log_violation(peer_, *outcome.violation);
        for (auto notes = std::exchange(state_.notes, {}); auto& note : notes) co_await send(note);
        co_await send(outcome.reply);
        if (outcome.violation) break;
    }
    close();
}

Awaitable<bool> Connection::fill(std::size_t n) {
    if (in_end_ - in_begin_ >= n) co_return true;
    if (in_begin_ > 0) {  // keep the unread bytes at the front, so a whole frame fits
        std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
        in_end_ -= in_begin_;
        in_begin_ = 0;
    }
    while (in_end_ < n) {
        boost::system::error_code ec;
        std::size_t got = co_await socket_.async_read_some(asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
                                                           redirect_error(use_awaitable, ec));
        if (ec) {
            if (in_end_ > 0 && deadline_at_ <= Clock::now())
                server_.log_violation(peer_, "incomplete frame at idle timeout");
            co_return false;
        }
        in_end_ += got;
        in_written_ = std::max(in_written_, in_end_);
    }
    co_return true;
}

Awaitable<bool> Connection::read_frame(wire::Header& header) {
    if (!co_await fill(wire::kHeaderSize)) co_return false;
    std::span<const std::uint8_t, wire::kHeaderSize> raw(in_.data() + in_begin_, wire::kHeaderSize);
    auto decoded = wire::decode_header(raw);
    if (!decoded) {
        co_await refuse(wire::get_be32(&raw[12]), decoded.error().message);
        co_return false;
    }
    header = *decoded;
    if (!co_await fill(wire::kHeaderSize + header.length)) co_return false;
    std::memcpy(payload_.data(), in_.data() + in_begin_ + wire::kHeaderSize, header.length);
    payload_written_ = std::max<std::size_t>(payload_written_, header.length);
    in_begin_ += wire::kHeaderSize + header.length;
    co_return true;
}

Awaitable<void> Connection::send(wire::FrameWriter& frame) {
    auto bytes = frame.finish();
    if (!bytes) {
        log::error("reply does not fit a frame", {{"MFA_REASON", bytes.error().message}});
        close();
        co_return;
    }
    set_deadline(server_.state().config->connections.idle_timeout);
    boost::system::error_code ec;
    co_await asio::async_write(socket_, asio::buffer(bytes->data(), bytes->size()), redirect_error(use_awaitable, ec));
    if (ec) close();
}

Awaitable<void> Connection::refuse(std::uint32_t request_id, std::string_view reason) {
    server_.log_violation(peer_, reason);
    auto reply = wire::encode(wire::ErrorReply{wire::ErrorCode::malformed, std::string(reason)}, request_id);
    co_await send(reply);
}

Awaitable<bool> Connection::handshake(const wire::Header& header, const wire::PayloadReader& payload) {
    if (header.type != wire::MessageType::hello) {
        co_await refuse(header.request_id, "the first frame must be HELLO");
        co_return false;
    }
    auto hello = wire::decode_hello(payload);
    if (!hello) {
        co_await refuse(header.request_id, hello.error().message);
        co_return false;
    }
    auto chosen = std::min(hello->protocol_max, wire::kProtocolMax);
    if (chosen < std::max(hello->protocol_min, wire::kProtocolMin)) {
        std::string reason = "mfad speaks protocol " + std::to_string(wire::kProtocolMin) + ".." +
                             std::to_string(wire::kProtocolMax) + ", the client " +
                             std::to_string(hello->protocol_min) + ".." + std::to_string(hello->protocol_max);
        server_.log_violation(peer_, reason);
        auto reply = wire::encode(wire::ErrorReply{wire::ErrorCode::version_mismatch, reason}, header.request_id);
        co_await send(reply);
        co_return false;
    }
    state_.protocol = chosen;
    auto reply = wire::encode(wire::HelloOk{chosen, std::string("mfad/") + kVersion}, header.request_id);
    co_await send(reply);
    co_return socket_.is_open();
}

}  // namespace mfa::daemon
