#pragma once

#include <sys/types.h>

#include <string>

#include "mfa/result.hpp"
#include "server/asio.hpp"

namespace mfa::daemon {

// The socket systemd passed, or a new one bound at `path` with `mode` (mfad:
// 0666, every local user may connect and authority comes from SO_PEERCRED).
// A stale socket file is replaced; a live one (another daemon) is an error.
Result<Acceptor> open_listener(asio::io_context& io, const std::string& path, bool& activated, mode_t mode = 0666);

}  // namespace mfa::daemon
