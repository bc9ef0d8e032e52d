// The authority check of every request that names a user (enroll, status,
// backup codes): decode, then refuse and audit a peer that may not act for
// that user.
#pragma once

#include <optional>
#include <string_view>

#include "auth/authority.hpp"
#include "server/request_handler.hpp"

namespace mfa::daemon {

// nullopt: go ahead. `event` names the refused request in the audit row (a
// string_view: callers pass literals into a co_await, see WriteQueue::submit).
template <class T>
Awaitable<std::optional<Outcome>> decode_and_authorize(const RequestContext& ctx, Result<T>& request, Action action,
                                                       std::string_view event) {
    if (!request)
        co_return Outcome{ctx.error(wire::ErrorCode::malformed, request.error().message), request.error().message};
    auto reason = refusal(ctx.peer, request->user, action, ctx.state.config->admin_group);
    if (reason.empty()) co_return std::nullopt;
    if (!acceptable_user_name(request->user)) co_return Outcome{ctx.error(wire::ErrorCode::permission_denied, reason), {}};
    AuditEntry entry{std::string(event), request->user, "unauthorized", "", "", ctx.peer.uid, ""};
    co_return co_await permission_denied(ctx, entry, reason);
}

}  // namespace mfa::daemon
