// mfad's side of mfad-notify: one connection per message, a deadline on the
// whole exchange, and the event loop never waits. mfad itself opens no
// network connection; this socket is how a message leaves.
#pragma once

#include <string>

#include "config/config.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "server/asio.hpp"

namespace mfa::daemon {

// The provider's message id, or why the message was not sent (the sender
// down, slow, or refusing; the provider failing): said once, by the caller.
Awaitable<Result<std::string>> send_through_notify(const Config::Notify& config, const wire::NotifySend& message);

}  // namespace mfa::daemon
