// IMPORT_FACTOR (mfactl import google-authenticator|oath): root only. The
// imported factor is active at once and its secret is known to whoever held
// the old file, so only the account that could read every such file may ask.
#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "factors/backup_codes/backup_codes.hpp"
#include "factors/hotp/hotp_factor.hpp"
#include "factors/totp/totp_secret.hpp"
#include "mfa/base32.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "server/request_handler.hpp"

namespace mfa::daemon {
namespace {

// google-authenticator's default key is 80 bits: below RFC 4226's 128, but it
// is what the user's phone holds; the dry run says so.
constexpr std::size_t kMinImportedKeyBytes = 10;

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

// Why these settings cannot be kept, or "".
std::string out_of_range(const wire::ImportFactor& m) {
    if (m.digits < 6 || m.digits > 8) return "codes of " + std::to_string(m.digits) + " digits (mfad takes 6 to 8)";
    if (m.kind == "totp" && (m.period < 15 || m.period > 300))
        return "a time step of " + std::to_string(m.period) + " s (mfad takes 15 to 300)";
    if (m.counter > static_cast<std::uint64_t>(INT64_MAX) - kHotpResyncWindow - 1) return "a counter out of range";
    return {};
}

// An imported window no wider than this host's own: a file the user wrote
// must not make their factor easier to guess than everyone else's. "" or why.
std::string cap_window(wire::ImportFactor& m, const Config& config) {
    int most = m.kind == "totp" ? config.totp.window : config.hotp.window;
    if (m.window <= most) return {};
    std::string what = m.kind == "totp" ? "±" + std::to_string(m.window) + " steps" : std::to_string(m.window) + " codes ahead";
    std::string now = m.kind == "totp" ? "±" + std::to_string(most) + " (totp.window)" : std::to_string(most) + " (hotp.window)";
    m.window = most;
    return "; its window of " + what + " becomes " + now;
}

std::string result_message(ImportResult result, const wire::ImportFactor& m, const std::string& user,
                           const std::string& narrowed) {
    std::string what = (m.kind == "totp" ? "authenticator \"" : "OATH token \"") + m.name + "\"" +
                       (m.codes.empty() ? "" : " and " + std::to_string(m.codes.size()) + " scratch codes") + narrowed;
    switch (result) {
        case ImportResult::imported: return user + ": imported " + what;
        case ImportResult::would_import: return user + ": would import " + what;
        case ImportResult::already_imported: return user + ": already imported, skipped";
        case ImportResult::has_factors: return user + ": already enrolled in mfad, skipped";
    }
    return user;
}

}  // namespace

Awaitable<Outcome> handle_import_factor(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_import_factor(payload);
    if (!request) co_return Outcome{ctx.error(wire::ErrorCode::malformed, request.error().message), request.error().message};
    auto wipe = [&] {
        OPENSSL_cleanse(request->secret.data(), request->secret.size());
        for (auto& code : request->codes) OPENSSL_cleanse(code.data(), code.size());
    };
    if (ctx.peer.uid != 0) {
        wipe();
        AuditEntry entry{"import", acceptable_user_name(request->user) ? request->user : "", "unauthorized", "", "", ctx.peer.uid, ""};
        co_return co_await permission_denied(ctx, entry, "permission denied: only root imports factors");
    }
    // Root may name any account NSS knows; the name is made canonical.
    auto allowed = authorize(ctx.peer, request->user, Action::enroll, ctx.state.config->admin_group);
    if (!allowed.user) {
        wipe();
        // A dry run writes nothing, not even the refusal's audit row (root asked; root could anyway).
        if (!request->commit) co_return Outcome{ctx.error(allowed.code, allowed.reason), {}};
        co_return co_await refuse_user_request(ctx, request->user, allowed, "import");
    }
    const std::string user = allowed.user->name;
    if (request->uid && *request->uid != allowed.user->uid) {
        wipe();
        co_return refused(ctx, user + ": not imported: NSS gives this name uid " + std::to_string(allowed.user->uid) +
                                   ", and the file belongs to uid " + std::to_string(*request->uid) +
                                   ": two accounts share the name");
    }
    if (auto why = out_of_range(*request); !why.empty()) {
        wipe();
        co_return refused(ctx, user + ": not imported: " + why);
    }
    const std::string narrowed = cap_window(*request, *ctx.state.config);
    auto key = base32::decode(request->secret);
    OPENSSL_cleanse(request->secret.data(), request->secret.size());
    if (!key || key->size() < kMinImportedKeyBytes || key->size() > kMaxHotpKeyBytes) {
        if (key) OPENSSL_cleanse(key->data(), key->size());
        wipe();
        co_return refused(ctx, user + ": not imported: the key must be 10 to 64 bytes");
    }
    bool totp = request->kind == "totp";
    auto sealed = ctx.state.box->seal(user, totp ? kTotpSecretField : kHotpSecretField, *key);
    OPENSSL_cleanse(key->data(), key->size());
    if (!sealed) {
        wipe();
        co_return internal_error(ctx, sealed.error());
    }
    std::optional<BackupCodeSet> codes;
    if (request->commit && !request->codes.empty()) {
        auto hashed = hash_backup_code_set(request->codes);
        if (!hashed) {
            wipe();
            co_return internal_error(ctx, hashed.error());
        }
        codes = std::move(*hashed);
    }
    wipe();
    OtpShape shape{static_cast<int>(request->digits), totp ? static_cast<int>(request->period) : 0,
                   static_cast<int>(request->window)};
    std::int64_t now = DaemonState::now();
    AuditEntry entry{"import", user, "", "", "", ctx.peer.uid,
                     "source=" + request->source + " factor=" + request->name + " kind=" + request->kind +
                         " backup_codes=" + std::to_string(request->codes.size())};
    FactorImport import{user,
                        NewFactor{request->kind, request->name, std::move(*sealed), 0, shape,
                                  static_cast<std::int64_t>(request->counter) - 1},
                        std::move(codes), request->commit, now, entry};
    auto run = [import = std::move(import)](Store& store) { return store.import_factor(import); };
    auto result = co_await ctx.state.writes->submit<ImportResult>(run);
    if (!result) co_return internal_error(ctx, result.error());
    if (*result == ImportResult::imported) {
        entry.result = "ok";
        journal_audit(entry);
        ctx.state.counters.add(Counter::setups_ok);
    }
    co_return Outcome{wire::encode(wire::Done{result_message(*result, *request, user, narrowed)}, ctx.request_id), {}};
}

}  // namespace mfa::daemon
