// What every stage of a login shares: opening one, and its verdicts.
#pragma once

#include <string>
#include <vector>

#include "mfa/wire/login_messages.hpp"
#include "server/request_context.hpp"

namespace mfa::daemon {

// A login begins: it takes a place among the user's pending logins (a newer
// one ends the oldest) and becomes the connection's login.
LoginSession& open_login(const RequestContext& ctx, const wire::Begin& request, const std::string& user,
                         std::int64_t now, std::vector<FactorRecord> factors, const UserRecord* record);

// A step of the login: errors and lines to show, then a prompt.
Outcome login_step(const RequestContext& ctx, const LoginSession& login, std::string errors, std::string info,
                   std::string prompt, bool echo);

// The verdicts; each ends the login.
Outcome login_allowed(const RequestContext& ctx, std::string message);
Outcome login_denied(const RequestContext& ctx, std::string message, bool exhausted = false);
Outcome login_locked(const RequestContext& ctx, std::int64_t until);
// The second factor is not asked (a help-desk disable, enrollment put off):
// PAM_IGNORE, journaled and audited like any other way in.
Awaitable<Outcome> login_exempt(const RequestContext& ctx, const AuditEntry& entry, std::string_view message);

}  // namespace mfa::daemon
