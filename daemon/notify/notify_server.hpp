// mfad-notify's socket: one message (or push) per connection, from the mfad user only
// (SO_PEERCRED), answered with the provider's message id or an error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

#include <functional>

#include "notify/provider.hpp"
#include "notify/push_provider.hpp"
#include "server/asio.hpp"

namespace mfa::notify {

struct ServerLimits {
    // mfad's logins are capped too, and it holds at most kMaxOpenPushes pushes; more is a misbehaving peer.
    int max_connections = 96;
    std::chrono::seconds deadline{10};  // per connection: the provider's timeout and a little more
};

struct Providers {
    std::unique_ptr<Provider> sms;    // null: none configured
    std::unique_ptr<Provider> email;  // sendmail
    std::unique_ptr<PushProvider> push;  // null: none configured
};

class NotifyServer {
public:
    // Email goes out with headers from `mail_from`.
    NotifyServer(daemon::Acceptor acceptor, uid_t client_uid, Providers providers, std::string mail_from, ServerLimits limits);
    // Accepts until stop().
    daemon::Awaitable<void> run();
    void stop();

private:
    daemon::Awaitable<void> serve(daemon::Socket socket, std::optional<uid_t> uid, bool from_client);
    // `extend` moves the connection's deadline (a push waits longer than a send).
    daemon::Awaitable<void> answer(daemon::Socket& socket, const std::function<void(std::chrono::seconds)>& extend);

    daemon::Acceptor acceptor_;
    uid_t client_uid_;
    std::unique_ptr<Provider> sms_;
    std::unique_ptr<Provider> email_;
    std::unique_ptr<PushProvider> push_;
    std::string mail_from_;
    ServerLimits limits_;
    int open_ = 0;       // mfad's connections
    int refusing_ = 0;   // anyone else's, being told no
    static constexpr int kMaxRefusing = 8;
};

}  // namespace mfa::notify
