// "I lost my device": a user who can no longer use any factor gets a one-time
// code at their verified recovery address; typing it (in this login or a later
// one, within recovery.code_ttl) removes every factor and backup code in one
// transaction, emails a notice, and goes straight into enrollment at login.
#pragma once

#include <optional>
#include <string_view>

#include "server/request_context.hpp"

namespace mfa::daemon {

// Does the menu offer it? recovery.email on, and a verified address.
bool recovery_offered(const Config& config, const UserRecord& user);

// Chosen at the menu, or `r` at its prompt (resend): asks for the code that
// is still valid, or emails a new one within the caps.
Awaitable<Outcome> request_recovery(const RequestContext& ctx, LoginSession& login, bool resend);

// What a typed recovery code would spend.
Result<std::optional<Claim>> recovery_claim(const DaemonState& state, const LoginSession& login, std::string_view code,
                                            std::int64_t now);

// The code was spent (every factor is gone): the notice, then enrollment.
Awaitable<Outcome> recovered(const RequestContext& ctx, LoginSession& login);

}  // namespace mfa::daemon
