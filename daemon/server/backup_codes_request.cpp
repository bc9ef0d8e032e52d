// BACKUP_CODES_GENERATE: a new set, shown once; the old set is void.
// Root may make a set for anyone. A user makes their own only with a current
// code from their authenticator: a terminal left logged in is not enough, and
// an admin_group member may not mint codes that log someone else in.
#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "auth/backup_codes.hpp"
#include "auth/totp_match.hpp"
#include "mfa/wire/login_messages.hpp"
#include "server/authorize_user_request.hpp"

namespace mfa::daemon {
namespace {

void wipe(std::vector<std::string>& codes) {
    for (auto& code : codes) OPENSSL_cleanse(code.data(), code.size());
}

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

// The proof of possession, recorded as a login attempt: a wrong code counts
// toward the lockout and a code is good once, as at any login.
Awaitable<std::optional<Outcome>> check_possession(const RequestContext& ctx, const std::string& user,
                                                   std::string& code) {
    const auto config = ctx.state.config;
    auto record = ctx.state.store->load_user(user);
    if (!record) co_return internal_error(ctx, record.error());
    const TotpFactor* totp = *record && (*record)->totp ? &*(*record)->totp : nullptr;
    if (totp == nullptr || totp->state != FactorState::active)
        co_return refused(ctx, "no active authenticator for " + user + ": enroll one first ('mfactl enroll totp')");
    if (code.empty())
        co_return refused(ctx, "a current code from your authenticator is needed to make new backup codes");
    std::int64_t now = DaemonState::now();
    if ((*record)->locked_until > now) co_return refused(ctx, "the account is locked; try again later");
    auto secret = ctx.state.box->open(user, "totp", totp->sealed_secret);
    if (!secret) co_return internal_error(ctx, secret.error());
    auto step = code.size() <= wire::kMaxCode ? match_totp(secret->view(), code, now, config->totp) : std::nullopt;
    OPENSSL_cleanse(code.data(), code.size());
    Attempt attempt{user, totp->sealed_secret, now, step, std::nullopt, config->lockout.max_failures,
                    config->lockout.duration.count(), AuditEntry{"", "", "", "mfactl", "", ctx.peer.uid, "purpose=backup_codes"}};
    auto run = [attempt = std::move(attempt)](Store& store) { return store.record_attempt(attempt); };
    auto outcome = co_await ctx.state.writes->submit<AttemptOutcome>(run);
    if (!outcome) co_return internal_error(ctx, outcome.error());
    for (const auto& entry : outcome->audited) journal_audit(entry);
    if (outcome->result != AttemptResult::accepted)
        co_return refused(ctx, "wrong code: no new backup codes were made");
    co_return std::nullopt;
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
        if (auto refused = co_await check_possession(ctx, request->user, request->code)) co_return std::move(*refused);
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
        co_return refused(ctx, "no active authenticator for " + request->user + ": enroll one first ('mfactl enroll totp')");
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
