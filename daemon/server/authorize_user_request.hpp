// The authority check of every request that names a user (enroll, status,
// backup codes): decode, then refuse and audit a peer that may not act for
// that user.
#pragma once

#include <openssl/crypto.h>

#include <optional>
#include <string_view>

#include "auth/authority.hpp"
#include "server/request_handler.hpp"

namespace mfa::daemon {

// Requests that write for a user (enroll, confirm, backup codes) from a uid
// other than root: within that uid's budget, so no one fills the audit table.
inline std::optional<Outcome> over_write_budget(const RequestContext& ctx) {
    if (ctx.peer.uid == 0 || ctx.state.self_service.admit(ctx.peer.uid)) return std::nullopt;
    return Outcome{ctx.error(wire::ErrorCode::refused, "too many requests from this user; try again in a minute"), {}};
}

// nullopt: go ahead, with request->user now the canonical name. `event`
// names the refused request in the audit row (a string_view: callers pass
// literals into a co_await, see WriteQueue::submit).
template <class T>
Awaitable<std::optional<Outcome>> decode_and_authorize(const RequestContext& ctx, Result<T>& request, Action action,
                                                       std::string_view event) {
    if (!request)
        co_return Outcome{ctx.error(wire::ErrorCode::malformed, request.error().message), request.error().message};
    auto allowed = authorize(ctx.peer, request->user, action, ctx.state.config->admin_group);
    if (allowed.user) {
        request->user = allowed.user->name;
        co_return std::nullopt;
    }
    co_return co_await refuse_user_request(ctx, request->user, allowed, event);
}

// decode_and_authorize, then the peer's write budget, for a request that
// carries a code (a proof, or one mailed): the code is wiped when refused.
template <class T>
Awaitable<std::optional<Outcome>> admit_write(const RequestContext& ctx, Result<T>& request, Action action,
                                              std::string_view event) {
    auto refused = co_await decode_and_authorize(ctx, request, action, event);
    if (!refused) refused = over_write_budget(ctx);
    if (refused && request) OPENSSL_cleanse(request->code.data(), request->code.size());
    co_return refused;
}

}  // namespace mfa::daemon
