// mfad's side of mfad-notify: one connection per message or push, a deadline
// on each wait, and the event loop never waits. mfad itself opens no network
// connection; this socket is how a message leaves.
#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "mfa/wire/push_messages.hpp"
#include "server/asio.hpp"

namespace mfa::daemon {

// The provider's message id, or why the message was not sent (the sender
// down, slow, or refusing; the provider failing): said once, by the caller.
Awaitable<Result<std::string>> send_through_notify(const Config::Notify& config, const wire::NotifySend& message);

// One push through mfad-notify: the challenge is created, then its answer
// awaited on the same connection. Closing the connection (cancel, or the
// last owner gone) tells the sender to stop polling.
class NotifyPush : public std::enable_shared_from_this<NotifyPush> {
public:
    explicit NotifyPush(const asio::any_io_executor& executor) : socket_(executor), timer_(executor) {}
    // The provider's challenge id, within config.timeout.
    Awaitable<Result<std::string>> create(const Config::Notify& config, const wire::PushSend& push);
    // The answer, within `limit`.
    Awaitable<Result<wire::PushResult>> answer(std::chrono::seconds limit);
    void cancel();

private:
    // The next frame of `type` within `limit`, the sender's ERROR as an error.
    Awaitable<Result<std::vector<std::uint8_t>>> expect(wire::MessageType type, std::chrono::steady_clock::duration limit);
    // A deadline for one wait: past it, the socket closes and the wait ends. disarm(): did it pass?
    void arm(std::chrono::steady_clock::duration limit);
    bool disarm();

    Socket socket_;
    asio::steady_timer timer_;
    std::uint64_t phase_ = 0;
    bool timed_out_ = false;
};

}  // namespace mfa::daemon
