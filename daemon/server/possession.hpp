// A user proving, in a request of their own, that they hold a factor (new
// backup codes, removing a factor): a terminal left logged in is not enough.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/request_handler.hpp"

namespace mfa::daemon {

// nullopt: `code` is a current code from one of the user's authenticator
// apps other than `except`, or one of their backup codes (if `backup_codes`).
// Recorded as a login attempt: a wrong code counts toward the lockout and a
// code is good once. `code` is wiped. `purpose` goes into the audit row.
Awaitable<std::optional<Outcome>> check_possession(const RequestContext& ctx, const std::string& user,
                                                   std::string& code, std::string_view except, bool backup_codes,
                                                   std::string_view purpose);

}  // namespace mfa::daemon
