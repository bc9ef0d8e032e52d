#include "factors/sms/sms_factor.hpp"

#include <openssl/crypto.h>

#include "factors/enroll_start.hpp"
#include "factors/sms/phone_number.hpp"
#include "sender/sent_codes.hpp"
#include "factors/sms/sms_code_sender.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

constexpr std::size_t kCodeDigits = 6;

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

// The number as sealed, back in clear for the sender; wiped by its owner.
Result<PhoneNumber> open_phone(const DaemonState& state, std::string_view user, const FactorRecord& factor) {
    auto opened = state.box->open(user, kPhoneField, factor.sealed_secret);
    if (!opened) return opened.error();
    std::string e164(reinterpret_cast<const char*>(opened->data()), opened->size());
    PhoneNumber phone{e164, mask_phone_number(e164)};
    OPENSSL_cleanse(e164.data(), e164.size());
    return phone;
}

void wipe(PhoneNumber& phone) { OPENSSL_cleanse(phone.e164.data(), phone.e164.size()); }

}  // namespace

Awaitable<Outcome> SmsFactor::enroll(const RequestContext& ctx, const wire::EnrollStart& request) const {
    if (ctx.state.config->sms.provider == SmsProvider::none)
        co_return refused(ctx, "text messages are not set up on this host (sms.provider in mfad.yaml)");
    auto phone = parse_phone_number(request.destination);
    if (!phone) co_return refused(ctx, phone.error().message);
    auto sealed = ctx.state.box->seal(
        request.user, kPhoneField, std::span(reinterpret_cast<const std::uint8_t*>(phone->e164.data()), phone->e164.size()));
    if (!sealed) {
        wipe(*phone);
        co_return internal_error(ctx, sealed.error());
    }
    NewFactor factor{std::string(kind()), request.name, std::move(*sealed), max_per_user()};
    auto started = co_await start_pending_factor(ctx, request.user, factor);
    if (!started.started) {
        wipe(*phone);
        co_return std::move(*started.refusal);
    }
    AuditEntry where{"", request.user, "", "mfactl", "", ctx.peer.uid, "purpose=enroll"};
    auto sent = co_await send_sms_code(ctx, request.user, started.factor_id, *phone, where, false);
    wipe(*phone);
    if (!sent.refusal.empty()) co_return refused(ctx, sent.refusal);
    std::string message = sent.info + " Confirm the phone with: mfactl enroll confirm --factor " + request.name +
                          " --code CODE";
    co_return Outcome{wire::encode(wire::Done{message}, ctx.request_id), {}};
}

std::string SmsFactor::describe(const DaemonState& state, std::string_view user, const FactorRecord& factor) const {
    auto phone = open_phone(state, user, factor);
    if (!phone) return "text message (the number cannot be read: see mfad's log)";
    std::string text = "text message to " + phone->masked;
    wipe(*phone);
    return text;
}

Awaitable<Challenge> SmsFactor::challenge(const RequestContext& ctx, const LoginSession& login,
                                          const FactorRecord& factor) const {
    auto phone = open_phone(ctx.state, login.user, factor);
    if (!phone) {
        log::error("a sealed phone number does not open", {{"MFA_USER", login.user}, {"MFA_REASON", phone.error().message}});
        co_return Challenge{"", "", "The phone number cannot be read; use another factor."};
    }
    AuditEntry where{"", login.user, "", login.service, login.rhost, ctx.peer.uid, ""};
    auto sent = co_await send_sms_code(ctx, login.user, factor.id, *phone, where, true);
    wipe(*phone);
    if (sent.too_soon) sent = Challenge{sent.refusal + " The code sent then still works.", "", ""};
    if (sent.refusal.empty()) sent.prompt = "Code from the text message (r: send a new one): ";
    co_return sent;
}

Result<std::optional<Claim>> SmsFactor::verify(const DaemonState& state, std::string_view user,
                                               const FactorRecord& factor, std::string_view code, std::int64_t) const {
    if (!is_digits(code, kCodeDigits)) return std::optional<Claim>();
    auto hash = state.codes->hash_code(user, factor.id, code);
    if (!hash) return hash.error();
    return std::optional<Claim>(Claim{Claim::Spend::challenge_code, factor.id, 0, std::move(*hash), factor.name});
}

}  // namespace mfa::daemon
