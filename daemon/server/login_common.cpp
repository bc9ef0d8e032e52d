#include "server/login_common.hpp"

#include "audit/audit_journal.hpp"
#include "server/request_handler.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {

LoginSession& open_login(const RequestContext& ctx, const wire::Begin& request, const std::string& user,
                         std::int64_t now, std::vector<FactorRecord> factors, const UserRecord* record) {
    int evicted = 0;
    auto place = ctx.state.logins->add(user, ctx.connection.end_connection, evicted);
    if (evicted > 0 && ctx.state.eviction_log.allow())
        log::notice("older pending logins ended by a newer one",
                    {{"MFA_USER", user},
                     {"MFA_EVICTED", std::to_string(evicted)},
                     {"MFA_SUPPRESSED", std::to_string(ctx.state.eviction_log.take_suppressed())}});
    std::string prompt = request.prompt.empty() ? "Verification code: " : request.prompt;
    LoginSession login;
    login.id = ++ctx.connection.last_session_id;
    login.user = user;
    login.service = request.service;
    login.rhost = request.rhost;
    login.started = now;
    login.factors = std::move(factors);
    if (record != nullptr) {
        login.backup = record->backup;
        login.backup_remaining = record->backup_remaining;
    }
    login.tries = request.tries;
    login.tries_left = request.tries;
    login.prompt = std::move(prompt);
    login.place = std::move(place);
    return ctx.connection.login.emplace(std::move(login));
}

Outcome login_step(const RequestContext& ctx, const LoginSession& login, std::string errors, std::string info,
                   std::string prompt, bool echo) {
    return Outcome{wire::encode(wire::Step{login.id, std::move(errors), std::move(info), std::move(prompt), echo},
                                ctx.request_id),
                   {}};
}

Outcome login_allowed(const RequestContext& ctx, std::string message) {
    ctx.connection.login.reset();
    return Outcome{wire::encode(wire::Done{std::move(message)}, ctx.request_id, wire::MessageType::allow), {}};
}

Outcome login_denied(const RequestContext& ctx, std::string message, bool exhausted) {
    ctx.connection.login.reset();
    return Outcome{wire::encode(wire::Deny{std::move(message), exhausted}, ctx.request_id), {}};
}

Outcome login_locked(const RequestContext& ctx, std::int64_t until) {
    ctx.connection.login.reset();
    return Outcome{wire::encode(wire::Locked{static_cast<std::uint64_t>(until)}, ctx.request_id), {}};
}

Awaitable<Outcome> login_exempt(const RequestContext& ctx, const AuditEntry& entry, std::string_view message) {
    ctx.connection.login.reset();
    journal_audit(entry);
    if (auto rc = co_await audit(ctx, entry); !rc) co_return internal_error(ctx, rc.error());
    co_return Outcome{wire::encode(wire::Done{std::string(message)}, ctx.request_id, wire::MessageType::exempt), {}};
}

}  // namespace mfa::daemon
