// mfad-notify's socket: one message per connection, from the mfad user only
// (SO_PEERCRED), answered with the provider's message id or an error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

#include "notify/provider.hpp"
#include "server/asio.hpp"

namespace mfa::notify {

struct ServerLimits {
    int max_connections = 64;  // mfad's logins are capped too; more is a misbehaving peer
    std::chrono::seconds deadline{10};  // per connection: the provider's timeout and a little more
};

class NotifyServer {
public:
    // Email goes out through `email` (sendmail) with headers from `mail_from`.
    NotifyServer(daemon::Acceptor acceptor, uid_t client_uid, std::unique_ptr<Provider> sms,
                 std::unique_ptr<Provider> email, std::string mail_from, ServerLimits limits);
    // Accepts until stop().
    daemon::Awaitable<void> run();
    void stop();

private:
    daemon::Awaitable<void> serve(daemon::Socket socket, std::optional<uid_t> uid, bool from_client);
    daemon::Awaitable<void> answer(daemon::Socket& socket);

    daemon::Acceptor acceptor_;
    uid_t client_uid_;
    std::unique_ptr<Provider> sms_;
    std::unique_ptr<Provider> email_;
    std::string mail_from_;
    ServerLimits limits_;
    int open_ = 0;       // mfad's connections
    int refusing_ = 0;   // anyone else's, being told no
    static constexpr int kMaxRefusing = 8;
};

}  // namespace mfa::notify
