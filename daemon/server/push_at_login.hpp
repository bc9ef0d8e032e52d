// The answer at a push's prompt. Enter once the phone approved lets the
// login spend the approval; Enter before any answer stops the push and goes
// back to the menu; a denial or "not me" ends the login.
#pragma once

#include <optional>

#include "server/request_context.hpp"

namespace mfa::daemon {

struct PushSettled {
    std::optional<Outcome> outcome;  // the reply, when the login goes on without spending anything
    std::optional<Claim> approval;   // else: the approval to spend, as a login attempt
};

Awaitable<PushSettled> settle_push(const RequestContext& ctx, LoginSession& login, bool expired);

// The approval could not be spent (its row expired or was replaced meanwhile): the menu again.
Outcome approval_not_spent(const RequestContext& ctx, LoginSession& login);

}  // namespace mfa::daemon
