#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mfa::daemon {

// A login in progress on one connection: BEGIN made it, ANSWER uses it.
struct LoginSession {
    std::uint32_t id = 0;
    std::string user;
    std::string service;
    std::string rhost;
    std::int64_t started = 0;  // unix seconds
};

struct ConnectionState {
    std::optional<LoginSession> login;
    std::uint32_t last_session_id = 0;
};

}  // namespace mfa::daemon
