// BACKUP_CODES_GENERATE: a new set, shown once; the old set is void.
// Root may make a set for anyone. A user makes their own only with a current
// code from their authenticator: a terminal left logged in is not enough, and
// an admin_group member may not mint codes that log someone else in.
#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "factors/backup_codes/backup_codes.hpp"
#include "mfa/wire/login_messages.hpp"
#include "server/authorize_user_request.hpp"
#include "server/possession.hpp"

namespace mfa::daemon {
namespace {

void wipe(std::vector<std::string>& codes) {
    for (auto& code : codes) OPENSSL_cleanse(code.data(), code.size());
}

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

}  // namespace

Awaitable<Outcome> handle_backup_codes_generate(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_backup_codes_request(payload);
    if (auto refused = co_await decode_and_authorize(ctx, request, Action::mint_codes, "backup_codes_generate")) {
        if (request) OPENSSL_cleanse(request->code.data(), request->code.size());
        co_return std::move(*refused);
    }
    if (auto busy = over_write_budget(ctx)) {
        OPENSSL_cleanse(request->code.data(), request->code.size());
        co_return std::move(*busy);
    }
    if (ctx.peer.uid != 0)
        if (auto refused = co_await check_possession(ctx, request->user, request->code, "", false, "backup_codes"))
            co_return std::move(*refused);
    OPENSSL_cleanse(request->code.data(), request->code.size());
    const auto config = ctx.state.config;  // kept alive across the wait below

    auto codes = generate_backup_codes(config->backup_codes.count, config->backup_codes.length);
    if (!codes) co_return internal_error(ctx, codes.error());
    auto set = hash_backup_code_set(*codes);
    if (!set) {
        wipe(*codes);
        co_return internal_error(ctx, set.error());
    }
    AuditEntry entry{"", "", "", "", "", ctx.peer.uid, ""};
    auto replace = [user = request->user, set = std::move(*set), now = DaemonState::now(), entry](Store& store) {
        return store.replace_backup_codes(user, set, now, entry);
    };
    auto stored = co_await ctx.state.writes->submit<BackupCodesOutcome>(replace);
    if (!stored || stored->result != BackupCodesStored::stored) wipe(*codes);
    if (!stored) co_return internal_error(ctx, stored.error());
    if (stored->result == BackupCodesStored::no_active_factor)
        co_return refused(ctx, "no active factor for " + request->user + ": enroll one first ('mfactl enroll totp')");
    entry.event = "backup_codes_generate";
    entry.user = request->user;
    entry.result = "ok";
    journal_audit(entry);
    ctx.state.counters.add(Counter::backup_codes_generated);

    wire::BackupCodes reply{request->user, std::move(*codes)};
    auto frame = wire::encode(reply, ctx.request_id);
    wipe(reply.codes);
    co_return Outcome{std::move(frame), {}};
}

}  // namespace mfa::daemon
