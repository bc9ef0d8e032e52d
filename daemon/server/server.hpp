// Accepts connections, one coroutine each, within a cap; drains on shutdown.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "server/asio.hpp"
#include "server/daemon_state.hpp"
#include "server/peer.hpp"
#include "server/request_handler.hpp"
#include "sys/rate_limit.hpp"

namespace mfa::daemon {

class Connection;

class Server {
public:
    Server(asio::io_context& io, DaemonState& state, Acceptor acceptor);

    void start();
    // Stops accepting, closes idle connections, lets busy ones finish their
    // request; `on_drained` runs once no connection is left.
    void drain(std::function<void()> on_drained);

    // Used by connections.
    void attach(Connection* c, uid_t uid);
    void detach(Connection* c, uid_t uid);
    bool draining() const { return draining_; }
    const DaemonState& state() const { return state_; }
    RequestHandler& handler() { return handler_; }
    // Malformed input is logged once per event, at most 10 events per 10 s.
    void log_violation(const Peer& peer, std::string_view reason);

private:
    Awaitable<void> accept_loop();
    // Within the caps: the total, root's reserve, and the per-uid cap for others.
    bool admits(const Peer& peer) const;
    Awaitable<void> refuse_busy(Socket socket);
    static constexpr int kMaxRefusing = 64;

    asio::io_context& io_;
    DaemonState& state_;
    Acceptor acceptor_;
    RequestHandler handler_;
    std::set<Connection*> connections_;
    std::map<uid_t, int> per_uid_;
    int refusing_ = 0;  // busy replies in flight
    bool draining_ = false;
    std::function<void()> on_drained_;
    RateLimiter violation_log_{10, std::chrono::seconds(10)};
};

}  // namespace mfa::daemon
