#include "server/possession.hpp"

#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "factors/backup_codes/backup_codes.hpp"
#include "factors/factor_registry.hpp"

namespace mfa::daemon {
namespace {

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

}  // namespace

Awaitable<std::optional<Outcome>> check_possession(const RequestContext& ctx, const std::string& user,
                                                   std::string& code, std::string_view except, bool backup_codes,
                                                   std::string_view purpose) {
    const auto config = ctx.state.config;
    auto record = co_await ctx.state.store->load_user(user);
    if (!record) {
        OPENSSL_cleanse(code.data(), code.size());
        co_return internal_error(ctx, record.error());
    }
    std::vector<std::int64_t> checked;
    std::vector<const FactorRecord*> provers;
    for (const auto* f : *record ? (*record)->active() : std::vector<const FactorRecord*>()) {
        checked.push_back(f->id);
        const Factor* kind = find_factor(f->kind);
        if (f->name != except && kind != nullptr && kind->takes_unprompted_codes()) provers.push_back(f);
    }
    bool has_backup = backup_codes && *record && (*record)->backup_remaining > 0;
    if (provers.empty() && !has_backup) {
        OPENSSL_cleanse(code.data(), code.size());
        co_return refused(ctx, (checked.empty() ? "no active authenticator for " + user + ": enroll one first ('mfactl enroll totp')"
                                                : "no other authenticator app or backup code of " + user +
                                                      " can confirm this; ask an administrator"));
    }
    if (code.empty()) co_return refused(ctx, "a current code from another of your factors is needed for this");
    std::int64_t now = DaemonState::now();
    if ((*record)->locked_until > now) {
        OPENSSL_cleanse(code.data(), code.size());
        co_return refused(ctx, "the account is locked; try again later");
    }
    std::vector<Claim> claims;
    if (has_backup && looks_like_backup_code(code)) {
        auto hash = hash_backup_code(code, *(*record)->backup);
        if (hash) claims.push_back(Claim{Claim::Spend::backup_code, 0, 0, std::move(*hash), "backup_code"});
    }
    for (const auto* f : provers) {
        auto claim = code.size() <= wire::kMaxCode ? find_factor(f->kind)->verify(ctx.state, user, *f, code, now)
                                                   : Result<std::optional<Claim>>(std::optional<Claim>());
        if (!claim) {
            OPENSSL_cleanse(code.data(), code.size());
            co_return internal_error(ctx, claim.error());
        }
        if (*claim) claims.push_back(std::move(**claim));
    }
    OPENSSL_cleanse(code.data(), code.size());
    Attempt attempt{user, std::move(checked), std::move(claims), now, config->lockout.max_failures,
                    config->lockout.duration.count(),
                    AuditEntry{"", "", "", "mfactl", "", ctx.peer.uid, "purpose=" + std::string(purpose)}};
    auto run = [attempt = std::move(attempt)](Store& store) { return store.record_attempt(attempt); };
    auto outcome = co_await ctx.state.writes->submit<AttemptOutcome>(run);
    if (!outcome) co_return internal_error(ctx, outcome.error());
    for (const auto& entry : outcome->audited) journal_audit(entry);
    if (outcome->result != AttemptResult::accepted) co_return refused(ctx, "wrong code: nothing was changed");
    co_return std::nullopt;
}

}  // namespace mfa::daemon
