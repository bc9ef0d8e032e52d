#include "server/login_menu.hpp"

#include "factors/backup_codes/backup_codes.hpp"
#include "factors/factor_registry.hpp"
#include "server/recovery_at_login.hpp"

namespace mfa::daemon {
namespace {

bool offers_backup(const LoginSession& login) { return login.backup && login.backup_remaining > 0; }

int backup_entry(const LoginSession& login) { return offers_backup(login) ? static_cast<int>(login.factors.size()) + 1 : 0; }

bool offers_recovery(const LoginSession& login) { return !login.recovery_email.empty(); }

int entries(const LoginSession& login) {
    return static_cast<int>(login.factors.size()) + (offers_backup(login) ? 1 : 0) + (offers_recovery(login) ? 1 : 0);
}

int recovery_entry(const LoginSession& login) { return offers_recovery(login) ? entries(login) : 0; }

}  // namespace

bool has_menu(const LoginSession& login) { return login.factors.size() >= 2 || offers_recovery(login); }

wire::Step menu_step(const DaemonState& state, const LoginSession& login, std::string errors) {
    std::string info = "Second factor for " + login.user + ":";
    for (std::size_t i = 0; i < login.factors.size(); ++i) {
        const FactorRecord& f = login.factors[i];
        const Factor* kind = find_factor(f.kind);
        info += "\n  " + std::to_string(i + 1) + ") " + (kind ? kind->describe(state, login.user, f) : f.kind) +
                (f.primary ? " (default)" : "");
    }
    if (offers_backup(login)) info += "\n  " + std::to_string(backup_entry(login)) + ") backup code";
    if (offers_recovery(login)) info += "\n  " + std::to_string(recovery_entry(login)) + ") I lost my device";
    // The prompt alone must do under PAM_SILENT, which hides the lines above.
    std::string prompt = "Choose 1-" + std::to_string(entries(login)) + " (Enter: 1), or type a code: ";
    // Echoed, as a choice is: the module takes an empty answer at a hidden
    // prompt for giving up, and Enter here means the primary. A code typed
    // here shows, as Duo's menu does; it is spent at once.
    return wire::Step{login.id, std::move(errors), std::move(info), std::move(prompt), true};
}

wire::FrameWriter ask_again(const RequestContext& ctx, const LoginSession& login, std::string errors) {
    if (login.at == LoginSession::kMenu) return wire::encode(menu_step(ctx.state, login, std::move(errors)), ctx.request_id);
    bool echo = login.push != nullptr && login.at >= 0;  // a push's "press Enter"
    return wire::encode(wire::Step{login.id, std::move(errors), "", login.step_prompt, echo}, ctx.request_id);
}

std::optional<int> menu_choice(const LoginSession& login, std::string_view answer) {
    if (answer.empty()) return 0;  // the primary is first
    if (answer.size() != 1 || answer[0] < '1' || answer[0] > '9') return std::nullopt;
    int n = answer[0] - '0';
    if (n > entries(login)) return std::nullopt;
    if (n == backup_entry(login)) return LoginSession::kBackupCodes;
    if (n == recovery_entry(login)) return LoginSession::kRecoveryCode;
    return n - 1;
}

Result<std::vector<Claim>> claims_for(const DaemonState& state, const LoginSession& login, std::string_view answer,
                                      std::int64_t now) {
    std::vector<Claim> claims;
    // Backup codes first: their shape (letters and digits) is no factor's code,
    // so a backup code never uses up a sent code's tries.
    if (login.backup && looks_like_backup_code(answer)) {
        auto hash = hash_backup_code(answer, *login.backup);
        if (!hash) return hash.error();
        claims.push_back(Claim{Claim::Spend::backup_code, 0, 0, std::move(*hash), "backup_code"});
    }
    if (login.at == LoginSession::kBackupCodes) return claims;
    if (login.at == LoginSession::kRecoveryCode) {
        auto claim = recovery_claim(state, login, answer, now);
        if (!claim) return claim.error();
        if (*claim) claims.push_back(std::move(**claim));
        return claims;
    }
    for (std::size_t i = 0; i < login.factors.size(); ++i) {
        const FactorRecord& f = login.factors[i];
        const Factor* kind = find_factor(f.kind);
        bool asked = login.at == static_cast<int>(i) || (login.at == LoginSession::kMenu && kind->takes_unprompted_codes());
        if (!asked) continue;
        auto claim = kind->verify(state, login.user, f, answer, now);
        if (!claim) return claim.error();
        if (*claim) claims.push_back(std::move(**claim));
    }
    return claims;
}

std::vector<std::int64_t> factor_ids(const LoginSession& login) {
    std::vector<std::int64_t> ids;
    for (const auto& f : login.factors) ids.push_back(f.id);
    return ids;
}

}  // namespace mfa::daemon
