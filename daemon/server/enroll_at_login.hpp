// Enrollment at login: a user without a factor sets up an authenticator in
// the login itself (a QR code, its secret and URI, then a code), and may be
// offered backup codes. Turned on by the module's enforce_enrollment, by
// enrollment.grace, by an admin's grace, or owed after a recovery.
#pragma once

#include <string>

#include "mfa/wire/login_messages.hpp"
#include "server/request_context.hpp"

namespace mfa::daemon {

// BEGIN of a user with no active factor (and no help-desk disable): an
// enrollment, a skip within the grace (EXEMPT), or NOT_ENROLLED.
Awaitable<Outcome> begin_without_factor(const RequestContext& ctx, const wire::Begin& request, const std::string& user,
                                        const UserRecord* record);

// Starts the enrollment in an open login, after `intro` (a line, or empty).
// skip_until > now: Enter puts it off.
Awaitable<Outcome> offer_enrollment(const RequestContext& ctx, LoginSession& login, std::int64_t skip_until,
                                    std::string_view intro);

bool at_enrollment(const LoginSession& login);

// An ANSWER at an enrollment stage. `code` is wiped.
Awaitable<Outcome> answer_enrollment(const RequestContext& ctx, LoginSession& login, std::string& code, bool expired);

}  // namespace mfa::daemon
