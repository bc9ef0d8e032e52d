#include "server/login_policy.hpp"

#include "server/authorize_user_request.hpp"
#include "server/login_common.hpp"

namespace mfa::daemon {

Awaitable<std::optional<Outcome>> policy_exemption(const RequestContext& ctx, const wire::Begin& request,
                                                   const SystemUser& user) {
    const auto config = ctx.state.config;
    const auto& policy = config->policy;
    if (policy.exempt_groups.empty() && policy.require_groups.empty() && policy.trusted_networks.empty())
        co_return std::nullopt;
    std::int64_t now = DaemonState::now();
    auto in = [&](const std::string& group) {
        return ctx.state.groups.member(user.uid, group, now, policy.group_cache.count());
    };
    AuditEntry entry{"", user.name, "ok", request.service, request.rhost, ctx.peer.uid, ""};
    std::string message;
    for (const auto& group : policy.exempt_groups)
        if (entry.event.empty() && in(group)) {
            entry.event = "exempt_group";
            entry.detail = "group=" + group;
            message = "No second factor is asked of members of " + group + ".";
        }
    // PAM_RHOST is the application's word: only a root peer (sshd, login) sets
    // one the user cannot choose.
    const TrustedNetwork* network =
        ctx.peer.uid == 0 ? trusted_network_of(policy.trusted_networks, request.service, request.rhost) : nullptr;
    if (network != nullptr && is_this_host(request.rhost)) network = nullptr;  // a local user's ssh to this host
    if (entry.event.empty() && network != nullptr) {
        entry.event = "trusted_network";
        entry.detail = "network=" + network->cidr;
        message = "No second factor is asked for logins from this network.";
    }
    if (entry.event.empty() && !policy.require_groups.empty()) {
        bool required = false;
        for (const auto& group : policy.require_groups) required = required || in(group);
        if (!required) {
            entry.event = "not_required";
            message = "No second factor is required for this account.";
        }
    }
    if (entry.event.empty()) co_return std::nullopt;
    // Each skip is an audit row: a peer other than root, within its budget.
    if (over_write_budget(ctx)) co_return login_denied(ctx, "Too many requests from this user; try again in a minute.");
    co_return co_await login_exempt(ctx, entry, message);
}

}  // namespace mfa::daemon
