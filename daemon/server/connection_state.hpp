#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/pending_logins.hpp"
#include "store/store.hpp"

namespace mfa::daemon {

// A login in progress on one connection: BEGIN made it, ANSWER uses it.
struct LoginSession {
    std::uint32_t id = 0;
    std::string user;  // canonical (NSS) name
    std::string service;
    std::string rhost;
    std::int64_t started = 0;  // unix seconds
    // What ANSWER checks the code against, read at BEGIN so ANSWER needs no
    // read of its own. Both stay sealed or hashed; the store accepts the
    // attempt only while this sealed secret is still the active factor.
    std::vector<std::uint8_t> sealed_secret;
    std::optional<BackupCodeSalt> backup;
    std::uint32_t tries_left = 1;  // wrong answers still allowed in this login
    std::string prompt;            // the code prompt
    PendingLogins::Ticket place;   // this login's place among the user's pending logins
};

struct ConnectionState {
    std::optional<LoginSession> login;
    std::uint32_t last_session_id = 0;
    // Ends this connection: what a newer login of the same user does to an old one.
    std::function<void()> end_connection;
};

}  // namespace mfa::daemon
