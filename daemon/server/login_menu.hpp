// The parts of a login that do not wait: the factor menu, reading a menu
// choice, and what a typed answer may spend.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mfa/wire/login_messages.hpp"
#include "server/request_context.hpp"

namespace mfa::daemon {

// Does this login offer a menu? Two or more factors do, and "I lost my
// device" does; backup codes are then one more entry.
bool has_menu(const LoginSession& login);

// The menu: one line per factor, the primary first and marked, then backup codes.
wire::Step menu_step(const DaemonState& state, const LoginSession& login, std::string errors);

// The current prompt again (the menu, or the factor's), after `errors`.
wire::FrameWriter ask_again(const RequestContext& ctx, const LoginSession& login, std::string errors);

// What the answer picks at the menu: a factor index, LoginSession::kBackupCodes,
// LoginSession::kRecoveryCode, or nullopt when it is not a choice (then it is a code). Enter picks the primary.
std::optional<int> menu_choice(const LoginSession& login, std::string_view answer);

// What `answer` may spend where the login is: at the menu, every factor that
// takes unprompted codes; at a factor's prompt, that factor; backup codes everywhere.
Result<std::vector<Claim>> claims_for(const DaemonState& state, const LoginSession& login, std::string_view answer,
                                      std::int64_t now);

// The ids of the login's factors, for Attempt::checked.
std::vector<std::int64_t> factor_ids(const LoginSession& login);

}  // namespace mfa::daemon
