#pragma once

#include <string>

#include "mfa/result.hpp"
#include "server/asio.hpp"

namespace mfa::daemon {

// The socket systemd passed, or a new one bound at `path` (mode 0666: every
// local user may connect; authority comes from SO_PEERCRED). A stale socket
// file is replaced; a live one (another mfad) is an error.
Result<Acceptor> open_listener(asio::io_context& io, const std::string& path, bool& activated);

}  // namespace mfa::daemon
