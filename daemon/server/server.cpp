#include "server/server.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>

#include "mfa/wire/byte_order.hpp"
#include "mfa/wire/messages.hpp"
#include "server/connection.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

using asio::redirect_error;
using asio::use_awaitable;

std::optional<Peer> peer_of(Socket& socket) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return std::nullopt;
    return Peer{cred.pid, cred.uid, cred.gid};
}

}  // namespace

Server::Server(asio::io_context& io, DaemonState& state, Acceptor acceptor)
    : io_(io), state_(state), acceptor_(std::move(acceptor)), handler_(state) {}

void Server::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

Awaitable<void> Server::accept_loop() {
    asio::steady_timer backoff(io_);
    while (acceptor_.is_open()) {
        boost::system::error_code ec;
        Socket socket = co_await acceptor_.async_accept(redirect_error(use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
        if (ec) {
            // Out of descriptors or memory: say so once and let the moment pass.
            log::error("accept failed", {{"MFA_REASON", ec.message()}});
            backoff.expires_after(std::chrono::milliseconds(100));
            co_await backoff.async_wait(redirect_error(use_awaitable, ec));
            continue;
        }
        auto peer = peer_of(socket);
        if (!peer) {
            log::error("SO_PEERCRED failed; connection dropped");
            continue;
        }
        if (!admits(*peer)) {
            // Past a cap on refusals in flight, a connection just closes: refusing must not become the flood.
            if (refusing_ < kMaxRefusing) asio::co_spawn(io_, refuse_busy(std::move(socket)), asio::detached);
            continue;
        }
        std::make_shared<Connection>(std::move(socket), *peer, *this)->start();
    }
}

bool Server::admits(const Peer& peer) const {
    const auto& limits = state_.config->connections;
    auto max = static_cast<std::size_t>(limits.max);
    if (connections_.size() >= max) return false;
    if (peer.uid == 0) return true;
    // The last eighth is root's: local users together cannot lock out sshd or root's mfactl.
    if (connections_.size() >= max - std::max<std::size_t>(1, max / 8)) return false;
    auto mine = per_uid_.find(peer.uid);
    return mine == per_uid_.end() || mine->second < limits.max_per_user;
}

// Answers the client's first frame, so the ERROR carries that request's id
// and the client reports "busy", not a mix-up of requests.
Awaitable<void> Server::refuse_busy(Socket plain) {
    ++refusing_;
    if (violation_log_.allow()) log::warning("connection cap reached; refusing a connection");
    // Shared with the timer, whose handler may run after this coroutine ends.
    auto socket = std::make_shared<Socket>(std::move(plain));
    asio::steady_timer limit(io_);
    limit.expires_after(std::chrono::seconds(1));
    // A client that sends nothing within a second still hears "busy", with request id 0.
    limit.async_wait([socket](const boost::system::error_code& ec) {
        boost::system::error_code ignored;
        if (!ec) socket->cancel(ignored);
    });
    std::array<std::uint8_t, wire::kHeaderSize> header{};
    boost::system::error_code ec;
    co_await asio::async_read(*socket, asio::buffer(header), redirect_error(use_awaitable, ec));
    std::uint32_t request_id = ec ? 0 : wire::get_be32(&header[12]);
    limit.cancel();
    auto frame = wire::encode(wire::ErrorReply{wire::ErrorCode::busy, "too many connections; try again"}, request_id);
    auto bytes = frame.finish();
    if (bytes) co_await asio::async_write(*socket, asio::buffer(bytes->data(), bytes->size()), redirect_error(use_awaitable, ec));
    --refusing_;
}

void Server::attach(Connection* c, uid_t uid) {
    connections_.insert(c);
    ++per_uid_[uid];
}

void Server::detach(Connection* c, uid_t uid) {
    connections_.erase(c);
    if (--per_uid_[uid] == 0) per_uid_.erase(uid);
    if (draining_ && connections_.empty() && on_drained_) asio::post(io_, std::exchange(on_drained_, {}));
}

void Server::drain(std::function<void()> on_drained) {
    draining_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    on_drained_ = std::move(on_drained);
    for (Connection* c : connections_) c->close_if_idle();
    if (connections_.empty()) asio::post(io_, std::exchange(on_drained_, {}));
}

void Server::log_violation(const Peer& peer, std::string_view reason) {
    if (!violation_log_.allow()) return;
    auto suppressed = violation_log_.take_suppressed();
    log::warning("bad request; connection closed",
                 {{"MFA_REASON", std::string(reason)},
                  {"MFA_PEER_UID", std::to_string(peer.uid)},
                  {"MFA_PEER_PID", std::to_string(peer.pid)},
                  {"MFA_SUPPRESSED", std::to_string(suppressed)}});
}

}  // namespace mfa::daemon
