#include "factors/hotp/hotp_factor.hpp"

#include <openssl/crypto.h>

#include "auth/authority.hpp"
#include "factors/enroll_start.hpp"
#include "factors/otp_match.hpp"
#include "mfa/base32.hpp"

namespace mfa::daemon {
namespace {

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

// The counter a token's next code comes from: one past the last used.
std::int64_t next_counter(const FactorRecord& factor) { return factor.last_step + 1; }

}  // namespace

Result<std::string> token_holding(const DaemonState& state, const std::optional<UserRecord>& record, std::string_view user,
                                  std::span<const std::uint8_t> key) {
    if (!record) return std::string();
    for (const auto& factor : record->factors) {
        if (factor.kind != "hotp") continue;
        auto held = state.box->open(user, kHotpSecretField, factor.sealed_secret);
        if (!held) return held.error();
        if (held->size() == key.size() && CRYPTO_memcmp(held->data(), key.data(), key.size()) == 0) return factor.name;
    }
    return std::string();
}

int hotp_digits(const FactorRecord& factor) { return factor.otp.digits != 0 ? factor.otp.digits : otp::kMinDigits; }

Awaitable<Outcome> HotpFactor::enroll(const RequestContext& ctx, const wire::EnrollStart& request) const {
    if (!admin_refusal(ctx.peer, ctx.state.config->admin_group).empty())
        co_return refused(ctx, "permission denied: OATH tokens are enrolled by root or " + ctx.state.config->admin_group);
    if (ctx.connection.protocol < wire::kTokensProtocol || request.secret.empty())
        co_return refused(ctx, "a token's key is needed: mfactl enroll hotp --secret-file FILE");
    if (request.digits < static_cast<std::uint32_t>(otp::kMinDigits) || request.digits > static_cast<std::uint32_t>(otp::kMaxDigits))
        co_return refused(ctx, "a token's codes have 6, 7 or 8 digits");
    if (request.counter > static_cast<std::uint64_t>(INT64_MAX) - kHotpResyncWindow - 1)
        co_return refused(ctx, "the counter is out of range");
    auto key = base32::decode(request.secret);
    if (!key || key->size() < kMinHotpKeyBytes || key->size() > kMaxHotpKeyBytes) {
        if (key) OPENSSL_cleanse(key->data(), key->size());
        co_return refused(ctx, "a token's key must be 16 to 64 bytes (RFC 4226 asks for at least 128 bits)");
    }
    // One token twice would let a code spent on one be spent again on the other.
    auto record = co_await ctx.state.store->load_user(request.user);
    Result<std::string> held = record ? token_holding(ctx.state, *record, request.user, *key) : Result<std::string>(record.error());
    if (!held || !held->empty()) {
        OPENSSL_cleanse(key->data(), key->size());
        if (!held) co_return internal_error(ctx, held.error());
        co_return refused(ctx, "this token is already enrolled for " + request.user + " as \"" + *held + "\"");
    }
    auto sealed = ctx.state.box->seal(request.user, kHotpSecretField, *key);
    OPENSSL_cleanse(key->data(), key->size());
    if (!sealed) co_return internal_error(ctx, sealed.error());
    NewFactor factor{std::string(kind()), request.name, std::move(*sealed), max_per_user(),
                     OtpShape{static_cast<int>(request.digits), 0, -1}, static_cast<std::int64_t>(request.counter) - 1};
    auto started = co_await start_pending_factor(ctx, request.user, factor);
    if (!started.started) co_return std::move(*started.refusal);
    std::string message = "token \"" + request.name + "\" added for " + request.user +
                          "; press it and confirm within 10 minutes: mfactl enroll confirm --user " + request.user +
                          " --factor " + request.name;
    co_return Outcome{wire::encode(wire::Done{message}, ctx.request_id), {}};
}

std::string HotpFactor::describe(const DaemonState&, std::string_view, const FactorRecord& factor) const {
    return "OATH token \"" + factor.name + "\"";
}

Awaitable<Challenge> HotpFactor::challenge(const RequestContext&, const LoginSession& login, const FactorRecord&) const {
    co_return Challenge{"", login.prompt, ""};
}

Result<std::optional<Claim>> HotpFactor::verify(const DaemonState& state, std::string_view user, const FactorRecord& factor,
                                                std::string_view code, std::int64_t) const {
    auto key = state.box->open(user, kHotpSecretField, factor.sealed_secret);
    if (!key) return key.error();
    int window = factor.otp.window >= 0 ? factor.otp.window : state.config->hotp.window;
    // The store spends it only if last_step is still below: a code is used once,
    // and never one behind a newer one.
    auto counter = match_counter(key->view(), code, next_counter(factor), next_counter(factor) + window,
                                 hotp_digits(factor), otp::Algorithm::sha1);
    if (!counter) return std::optional<Claim>();
    return std::optional<Claim>(Claim{Claim::Spend::time_step, factor.id, *counter, {}, factor.name});
}

Result<std::optional<std::int64_t>> find_hotp_pair(const DaemonState& state, std::string_view user,
                                                   const FactorRecord& factor, std::string_view code,
                                                   std::string_view next_code) {
    auto key = state.box->open(user, kHotpSecretField, factor.sealed_secret);
    if (!key) return key.error();
    std::int64_t first = next_counter(factor);
    std::int64_t last = first + kHotpResyncWindow;
    int digits = hotp_digits(factor);
    // Every match of the first code is a candidate: a 6-digit code recurs
    // about once in a million counters, so within the window there may be two.
    for (std::int64_t from = first; from <= last;) {
        auto at = match_counter(key->view(), code, from, last, digits, otp::Algorithm::sha1);
        if (!at) return std::optional<std::int64_t>();
        if (match_counter(key->view(), next_code, *at + 1, *at + 1, digits, otp::Algorithm::sha1))
            return std::optional<std::int64_t>(*at + 1);
        from = *at + 1;
    }
    return std::optional<std::int64_t>();
}

}  // namespace mfa::daemon
