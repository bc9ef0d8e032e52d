// BACKUP_CODES_GENERATE: a new set, shown once; the old set is void.
// Root may make a set for anyone. A user makes their own only with a current
// code from their authenticator: a terminal left logged in is not enough, and
// an admin_group member may not mint codes that log someone else in.
#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "factors/backup_codes/backup_codes.hpp"
#include "mfa/wire/login_messages.hpp"
#include "server/authorize_user_request.hpp"
#include "server/new_backup_codes.hpp"
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
    if (auto refused = co_await admit_write(ctx, request, Action::mint_codes, "backup_codes_generate"))
        co_return std::move(*refused);
    if (ctx.peer.uid != 0)
        if (auto refused = co_await check_possession(ctx, request->user, request->code, "", false, "backup_codes"))
            co_return std::move(*refused);
    OPENSSL_cleanse(request->code.data(), request->code.size());
    auto made = co_await make_backup_codes(ctx, request->user);
    if (made.refusal) co_return std::move(*made.refusal);
    wire::BackupCodes reply{request->user, std::move(made.codes)};
    auto frame = wire::encode(reply, ctx.request_id);
    wipe(reply.codes);
    co_return Outcome{std::move(frame), {}};
}

NewBackupCodes::~NewBackupCodes() { wipe(codes); }

Awaitable<NewBackupCodes> make_backup_codes(const RequestContext& ctx, const std::string& user) {
    const auto config = ctx.state.config;  // kept alive across the wait below
    NewBackupCodes out;
    auto codes = generate_backup_codes(config->backup_codes.count, config->backup_codes.length);
    if (!codes) {
        out.refusal = internal_error(ctx, codes.error());
        co_return out;
    }
    out.codes = std::move(*codes);
    auto set = hash_backup_code_set(out.codes);
    if (!set) {
        out.refusal = internal_error(ctx, set.error());
        co_return out;
    }
    AuditEntry entry{"", "", "", "", "", ctx.peer.uid, ""};
    auto replace = [user, set = std::move(*set), now = DaemonState::now(), entry](Store& store) {
        return store.replace_backup_codes(user, set, now, entry);
    };
    auto stored = co_await ctx.state.writes->submit<BackupCodesOutcome>(replace);
    if (!stored) {
        out.refusal = internal_error(ctx, stored.error());
    } else if (stored->result == BackupCodesStored::no_active_factor) {
        out.refusal = refused(ctx, "no active factor for " + user + ": enroll one first ('mfactl enroll totp')");
    } else {
        entry.event = "backup_codes_generate";
        entry.user = user;
        entry.result = "ok";
        journal_audit(entry);
        ctx.state.counters.add(Counter::backup_codes_generated);
        co_return out;
    }
    wipe(out.codes);
    out.codes.clear();
    co_return out;
}

}  // namespace mfa::daemon
