// Answers the requests of a connection that has completed the handshake.
#pragma once

#include "server/asio.hpp"
#include "auth/authority.hpp"
#include "server/request_context.hpp"

namespace mfa::daemon {

class RequestHandler {
public:
    explicit RequestHandler(DaemonState& state) : state_(state) {}

    Awaitable<Outcome> handle(const Peer& peer, ConnectionState& connection, const wire::Header& header,
                              const wire::PayloadReader& payload);

private:
    DaemonState& state_;
};

// One function per request type; each decodes, checks authority and answers.
Awaitable<Outcome> handle_enroll_start(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_enroll_confirm(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_user_status(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_begin(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_answer(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_admin_action(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_audit_verify(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_audit_list(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_backup_codes_generate(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_admin_disable(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_factors_list(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_factor_change(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_recovery_email_set(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_recovery_email_confirm(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_import_factor(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_admin_rekey(const RequestContext& ctx, const wire::PayloadReader& payload);
Awaitable<Outcome> handle_migrate_store(const RequestContext& ctx, const wire::PayloadReader& payload);

// Appends one audit row through the write queue.
Awaitable<Result<void>> audit(const RequestContext& ctx, const AuditEntry& entry);

// A refused request is a security event: journal and audit `entry` (within
// the peer uid's refusal budget, DaemonState::refusals), then answer `code`
// with `reason`.
Awaitable<Outcome> permission_denied(const RequestContext& ctx, const AuditEntry& entry, const std::string& reason,
                                     wire::ErrorCode code = wire::ErrorCode::permission_denied);

// Answers a refused authorization: an internal error as such; a refusal
// audited (within the peer's refusal budget) unless the name itself was unusable.
Awaitable<Outcome> refuse_user_request(const RequestContext& ctx, std::string_view requested,
                                       const Authorization& refusal, std::string_view event,
                                       std::string_view service = {}, std::string_view rhost = {});

// The user an admin command acts on (admin_target): nullopt with `name` made
// canonical, or the refusal's outcome (audited as `event`, see refuse_user_request).
Awaitable<std::optional<Outcome>> resolve_admin_target(const RequestContext& ctx, std::string& name,
                                                       std::string_view event);

// Root and admin_group pass (nullopt); anyone else is refused, and the
// refusal is audited. string_view parameters: callers pass literals, and a
// std::string temporary in a co_await expression is destroyed twice by g++ 12.
Awaitable<std::optional<Outcome>> refuse_non_admin(const RequestContext& ctx, std::string_view user,
                                                   std::string_view event);

}  // namespace mfa::daemon
