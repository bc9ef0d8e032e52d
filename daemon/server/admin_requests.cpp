// ADMIN_ACTION (unlock, reset, grace, resync) and AUDIT_VERIFY: root and admin_group only.
// The audit walk runs on the background thread: it takes seconds on a big table.
#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "auth/authority.hpp"
#include "factors/hotp/hotp_factor.hpp"
#include "mfa/utc_time.hpp"
#include "mfa/wire/admin_messages.hpp"
#include "mfa/wire/login_messages.hpp"
#include "server/request_handler.hpp"

namespace mfa::daemon {
namespace {

// How far ahead an admin's grace may reach: a year, like enrollment.grace.
constexpr std::int64_t kMaxGraceSeconds = 365 * 86400;

Awaitable<Outcome> grant_grace(const RequestContext& ctx, const wire::AdminAction& request, AuditEntry entry) {
    std::int64_t now = DaemonState::now();
    auto until = static_cast<std::int64_t>(std::min<std::uint64_t>(request.until, static_cast<std::uint64_t>(now + kMaxGraceSeconds)));
    if (request.until > static_cast<std::uint64_t>(now + kMaxGraceSeconds))
        co_return Outcome{ctx.error(wire::ErrorCode::refused, "a grace may reach a year ahead at most"), {}};
    entry.detail += std::string(entry.detail.empty() ? "" : " ") + "until=" + std::to_string(until);
    auto set = [user = request.user, until, now, entry](Store& store) { return store.set_grace(user, until, now, entry); };
    if (auto rc = co_await ctx.state.writes->submit<void>(set); !rc) co_return internal_error(ctx, rc.error());
    entry.event = "grace";
    entry.user = request.user;
    entry.result = "ok";
    journal_audit(entry);
    std::string message = until == 0 ? request.user + ": the grace is enrollment.grace again"
                                     : request.user + " may put enrollment at login off until " + utc_time(until);
    co_return Outcome{wire::encode(wire::Done{message}, ctx.request_id), {}};
}

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

// The user's active OATH token named `name`, or the only one.
const FactorRecord* token_of(const UserRecord& user, const std::string& name, std::string& why) {
    const FactorRecord* found = nullptr;
    int count = 0;
    for (const auto* f : user.active())
        if (f->kind == "hotp" && (name.empty() || f->name == name)) {
            found = f;
            ++count;
        }
    if (count == 0) why = user.name + " has no active OATH token" + (name.empty() ? "" : " named \"" + name + "\"");
    if (count > 1) why = user.name + " has several OATH tokens: name one with --factor";
    return count == 1 ? found : nullptr;
}

// Two consecutive codes from the token move its counter forward to them.
Awaitable<Outcome> resync_token(const RequestContext& ctx, wire::AdminAction& request, AuditEntry entry) {
    auto record = co_await ctx.state.store->load_user(request.user);
    std::string why = "no such user in mfad: " + request.user;
    const FactorRecord* token = nullptr;
    if (record && *record) token = token_of(**record, request.factor, why);
    std::optional<std::int64_t> counter;
    Result<std::optional<std::int64_t>> found = counter;
    if (token != nullptr) found = find_hotp_pair(ctx.state, request.user, *token, request.code, request.next_code);
    OPENSSL_cleanse(request.code.data(), request.code.size());
    OPENSSL_cleanse(request.next_code.data(), request.next_code.size());
    if (!record) co_return internal_error(ctx, record.error());
    if (token == nullptr) co_return refused(ctx, why);
    if (!found) co_return internal_error(ctx, found.error());
    entry.user = request.user;
    if (!*found) {
        entry.event = "hotp_resync";
        entry.result = "fail";
        entry.detail += std::string(entry.detail.empty() ? "" : " ") + "factor=" + token->name;
        journal_audit(entry);
        if (auto rc = co_await audit(ctx, entry); !rc) co_return internal_error(ctx, rc.error());
        co_return refused(ctx, "the two codes are not consecutive codes of \"" + token->name + "\" within " +
                                   std::to_string(kHotpResyncWindow) + " presses ahead of the last one used");
    }
    auto move = [user = request.user, id = token->id, to = **found, now = DaemonState::now(), entry](Store& store) {
        return store.resync_factor(user, id, to, now, entry);
    };
    auto moved = co_await ctx.state.writes->submit<ResyncResult>(move);
    if (!moved) co_return internal_error(ctx, moved.error());
    if (*moved == ResyncResult::no_factor) co_return refused(ctx, "the token was removed meanwhile");
    if (*moved == ResyncResult::moved) co_return refused(ctx, "the token was used meanwhile, past these codes: nothing changed");
    entry.event = "hotp_resync";
    entry.result = "ok";
    journal_audit(entry);
    co_return Outcome{wire::encode(wire::Done{request.user + ": token \"" + token->name + "\" resynchronized; its next code is accepted"},
                                   ctx.request_id),
                      {}};
}

}  // namespace

Awaitable<Outcome> handle_admin_action(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_admin_action(payload);
    if (!request)
        co_return Outcome{ctx.error(wire::ErrorCode::malformed, request.error().message), request.error().message};
    if (auto refused = co_await refuse_non_admin(ctx, request->user, request->action)) co_return std::move(*refused);
    if (auto refused = co_await resolve_admin_target(ctx, request->user, request->action)) co_return std::move(*refused);

    AuditEntry entry{"", "", "", "", "", ctx.peer.uid, request->reason.empty() ? "" : "reason=" + request->reason};
    if (request->action == "grace") co_return co_await grant_grace(ctx, *request, entry);
    if (request->action == "resync") co_return co_await resync_token(ctx, *request, entry);
    auto kind = request->action == "reset" ? AdminActionKind::reset : AdminActionKind::unlock;
    auto act = [user = request->user, kind, now = DaemonState::now(), entry](Store& store) {
        return store.admin_action(user, kind, now, entry);
    };
    auto outcome = co_await ctx.state.writes->submit<AdminOutcome>(act);
    if (!outcome) co_return internal_error(ctx, outcome.error());
    if (!outcome->user_exists)
        co_return Outcome{ctx.error(wire::ErrorCode::refused, "no such user in mfad: " + request->user), {}};
    entry.event = request->action;
    entry.user = request->user;
    entry.result = outcome->changed ? "ok" : "unchanged";
    journal_audit(entry);
    std::string message = kind == AdminActionKind::reset
                              ? (outcome->changed ? request->user + ": factors removed; the next login must enroll"
                                                  : request->user + ": nothing to reset")
                              : (outcome->changed ? request->user + ": unlocked" : request->user + ": was not locked");
    co_return Outcome{wire::encode(wire::Done{message}, ctx.request_id), {}};
}

Awaitable<Outcome> handle_audit_verify(const RequestContext& ctx, const wire::PayloadReader& payload) {
    if (auto ok = wire::decode_empty(payload); !ok)
        co_return Outcome{ctx.error(wire::ErrorCode::malformed, ok.error().message), ok.error().message};
    if (auto refused = co_await refuse_non_admin(ctx, "", "audit_verify")) co_return std::move(*refused);
    using Checker = std::function<Result<AuditCheck>()>;
    std::function<Result<Checker>(Store&)> checker = [](Store& store) { return Result<Checker>(store.audit_chain_checker()); };
    auto walk = co_await ctx.state.store->run(checker);
    if (!walk) co_return internal_error(ctx, walk.error());
    auto check = co_await ctx.state.background->run<AuditCheck>(*walk);
    if (!check) co_return internal_error(ctx, check.error());
    std::string message = check->broken_id == 0
                              ? "audit chain intact: " + std::to_string(check->rows) + " rows"
                              : "audit chain broken at row " + std::to_string(check->broken_id) + ": " + check->reason;
    co_return Outcome{wire::encode(wire::AuditVerifyReply{check->rows, check->broken_id, message}, ctx.request_id), {}};
}

}  // namespace mfa::daemon
