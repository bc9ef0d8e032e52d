// Who is asked for a second factor at all: policy.exempt_groups (break-glass
// and service accounts never are), policy.trusted_networks (logins from them
// to their services are not) and policy.require_groups (only members are).
#pragma once

#include <optional>

#include "auth/authority.hpp"
#include "mfa/wire/login_messages.hpp"
#include "server/request_context.hpp"

namespace mfa::daemon {

// A login that asks no second factor: EXEMPT (PAM_IGNORE), audited as
// exempt_group, trusted_network or not_required with the reason. nullopt: the policy asks for one.
Awaitable<std::optional<Outcome>> policy_exemption(const RequestContext& ctx, const wire::Begin& request,
                                                   const SystemUser& user);

}  // namespace mfa::daemon
