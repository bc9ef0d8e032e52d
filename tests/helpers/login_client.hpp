// A protocol-level login client for tests: BEGIN, then ANSWERs.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "mfa/wire/client.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::test {

class LoginClient {
public:
    explicit LoginClient(const std::string& socket, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // The reply type to BEGIN (STEP, NOT_ENROLLED, LOCKED, EXEMPT) or nullopt on
    // error. `tries`: the wrong answers the login allows before its final DENY.
    std::optional<wire::MessageType> begin(const std::string& user, std::uint32_t tries = wire::kMaxTries);
    // The same, as a login to `service` from `rhost` (PAM_SERVICE, PAM_RHOST).
    std::optional<wire::MessageType> begin_from(const std::string& user, const std::string& service,
                                                const std::string& rhost);
    // The reply type to ANSWER (ALLOW; STEP after a wrong answer with tries
    // left; DENY, LOCKED) or nullopt on error.
    std::optional<wire::MessageType> answer(const std::string& code);
    const std::string& last_error() const { return error_; }
    // The text of the last ALLOW, DENY or EXEMPT, or a STEP's errors: what the module shows the user.
    const std::string& last_message() const { return message_; }
    // The last STEP's information lines and prompt.
    const std::string& last_info() const { return info_; }
    const std::string& last_prompt() const { return prompt_; }

private:
    std::optional<wire::Client> client_;
    std::uint32_t session_ = 0;
    std::string error_;
    std::string message_;
    std::string info_;
    std::string prompt_;
    std::optional<wire::MessageType> send_begin(const wire::Begin& begin);
    std::optional<wire::MessageType> record(const Result<wire::Reply>& reply);
};

// Two logins of `user`, begun one after the other, answer `code` at the same
// moment. Returns how many were let in and how many denied; anything else
// (an error, a lock) counts in neither.
struct RaceResult {
    int allowed = 0;
    int denied = 0;
};
RaceResult race_one_code(const std::string& socket, const std::string& user, const std::string& code);
// The same, with the code read once both logins have begun (a code sent at BEGIN).
RaceResult race_one_code(const std::string& socket, const std::string& user, const std::function<std::string()>& code_now);

}  // namespace mfa::test
