#include "server/request_handler.hpp"

#include "audit/audit_journal.hpp"
#include "auth/authority.hpp"
#include "mfa/version.hpp"
#include "mfa/wire/admin_messages.hpp"
#include "server/authorize_user_request.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

Outcome violation(const RequestContext& ctx, std::string reason) {
    return Outcome{ctx.error(wire::ErrorCode::malformed, reason), reason};
}

// The store is asked too (at most once a second, whoever asks), so a server
// that went away is seen now, not at the next login.
Awaitable<Outcome> status(const RequestContext& ctx) {
    if (ctx.state.store->probe_due()) {
        std::function<Result<void>(Store&)> probe = [](Store& store) { return store.probe(); };
        (void)co_await ctx.state.store->run(probe);
    }
    auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                        ctx.state.started);
    wire::StatusReply reply{kVersion, static_cast<std::uint32_t>(ctx.state.schema_version),
                            static_cast<std::uint64_t>(uptime.count()), ""};
    if (ctx.connection.protocol >= wire::kFleetProtocol) {
        reply.store = ctx.state.config->store.backend == StoreBackend::postgresql ? "postgresql" : "sqlite";
        if (!ctx.state.store->reachable()) reply.store += " unreachable";
    }
    co_return Outcome{wire::encode(reply, ctx.request_id), {}};
}

}  // namespace

Outcome internal_error(const RequestContext& ctx, const Error& error) {
    // An outage is in the log once already; its error says what it is, with a
    // code the module never turns into fail_mode=open's PAM_IGNORE: a store
    // out of reach is not mfad out of reach, and may be an attacker's doing.
    if (error.outage) return Outcome{ctx.error(wire::ErrorCode::store_unavailable, error.message), {}};
    // Any local user can repeat a failing request: the log keeps a sample.
    if (ctx.state.failure_log.allow())
        log::error("request failed", {{"MFA_REASON", error.message},
                                      {"MFA_PEER_UID", std::to_string(ctx.peer.uid)},
                                      {"MFA_SUPPRESSED", std::to_string(ctx.state.failure_log.take_suppressed())}});
    // On a fleet most failures are the database's, which someone else may
    // cause (a full disk, a revoked grant): none may pass for mfad being gone.
    auto code = ctx.state.config->store.backend == StoreBackend::postgresql ? wire::ErrorCode::store_unavailable
                                                                           : wire::ErrorCode::internal;
    return Outcome{ctx.error(code, "mfad could not complete the request; see its log"), {}};
}

Awaitable<Result<void>> audit(const RequestContext& ctx, const AuditEntry& entry) {
    auto job = [entry, now = DaemonState::now()](Store& store) { return store.append_audit(entry, now); };
    co_return co_await ctx.state.writes->submit<void>(job);
}

Awaitable<Outcome> permission_denied(const RequestContext& ctx, const AuditEntry& refused, const std::string& reason,
                                     wire::ErrorCode code) {
    ctx.state.counters.add(Counter::unauthorized);
    if (auto held_back = ctx.state.refusals.admit(ctx.peer.uid)) {
        AuditEntry entry = refused;
        if (*held_back > 0)
            entry.detail += (entry.detail.empty() ? "" : " ") + std::string("suppressed=") + std::to_string(*held_back);
        journal_audit(entry);
        if (auto rc = co_await audit(ctx, entry); !rc) co_return internal_error(ctx, rc.error());
    }
    co_return Outcome{ctx.error(code, reason), {}};
}

Awaitable<Outcome> refuse_user_request(const RequestContext& ctx, std::string_view requested,
                                       const Authorization& refusal, std::string_view event, std::string_view service,
                                       std::string_view rhost) {
    if (refusal.code == wire::ErrorCode::internal) co_return internal_error(ctx, make_error(refusal.reason));
    std::string name(requested);
    if (!acceptable_user_name(name)) co_return Outcome{ctx.error(refusal.code, refusal.reason), {}};
    const char* result = refusal.code == wire::ErrorCode::unknown_user ? "unknown_user" : "unauthorized";
    AuditEntry entry{std::string(event), name, result, std::string(service), std::string(rhost), ctx.peer.uid, ""};
    co_return co_await permission_denied(ctx, entry, refusal.reason, refusal.code);
}

Awaitable<std::optional<Outcome>> resolve_admin_target(const RequestContext& ctx, std::string& name,
                                                       std::string_view event) {
    auto target = admin_target(ctx.peer, name);
    if (target.user) {
        name = target.user->name;
        co_return std::nullopt;
    }
    co_return co_await refuse_user_request(ctx, name, target, event);
}

Awaitable<std::optional<Outcome>> refuse_non_admin(const RequestContext& ctx, std::string_view user,
                                                   std::string_view event) {
    auto reason = admin_refusal(ctx.peer, ctx.state.config->admin_group);
    if (reason.empty()) co_return std::nullopt;
    std::string name(user);
    AuditEntry entry{std::string(event), acceptable_user_name(name) ? name : "", "unauthorized", "", "", ctx.peer.uid, ""};
    co_return co_await permission_denied(ctx, entry, reason);
}

Awaitable<Outcome> RequestHandler::handle(const Peer& peer, ConnectionState& connection, const wire::Header& header,
                                          const wire::PayloadReader& payload) {
    using wire::MessageType;
    RequestContext ctx{state_, peer, connection, header.request_id};
    switch (header.type) {
        case MessageType::ping:
            if (auto ok = wire::decode_empty(payload); !ok) co_return violation(ctx, ok.error().message);
            co_return Outcome{wire::encode_empty(MessageType::pong, header.request_id), {}};
        case MessageType::status:
            if (auto ok = wire::decode_empty(payload); !ok) co_return violation(ctx, ok.error().message);
            co_return co_await status(ctx);
        case MessageType::enroll_start: co_return co_await handle_enroll_start(ctx, payload);
        case MessageType::enroll_confirm: co_return co_await handle_enroll_confirm(ctx, payload);
        case MessageType::user_status: co_return co_await handle_user_status(ctx, payload);
        case MessageType::begin: co_return co_await handle_begin(ctx, payload);
        case MessageType::answer: co_return co_await handle_answer(ctx, payload);
        case MessageType::admin_action: co_return co_await handle_admin_action(ctx, payload);
        case MessageType::audit_verify: co_return co_await handle_audit_verify(ctx, payload);
        case MessageType::audit_list: co_return co_await handle_audit_list(ctx, payload);
        case MessageType::backup_codes_generate: co_return co_await handle_backup_codes_generate(ctx, payload);
        case MessageType::admin_disable: co_return co_await handle_admin_disable(ctx, payload);
        case MessageType::factors_list: co_return co_await handle_factors_list(ctx, payload);
        case MessageType::factor_change: co_return co_await handle_factor_change(ctx, payload);
        case MessageType::recovery_email_set: co_return co_await handle_recovery_email_set(ctx, payload);
        case MessageType::recovery_email_confirm: co_return co_await handle_recovery_email_confirm(ctx, payload);
        case MessageType::import_factor: co_return co_await handle_import_factor(ctx, payload);
        case MessageType::admin_rekey: co_return co_await handle_admin_rekey(ctx, payload);
        case MessageType::migrate_store: co_return co_await handle_migrate_store(ctx, payload);
        case MessageType::stats:
            if (auto ok = wire::decode_empty(payload); !ok) co_return violation(ctx, ok.error().message);
            co_return Outcome{wire::encode(wire::StatsReply{ctx.state.counters.lines()}, header.request_id), {}};
        default:
            // Replies, or a second HELLO: never valid from a client here.
            co_return violation(ctx, "unexpected message type");
    }
}

}  // namespace mfa::daemon
