#include "factors/sms/sms_code_sender.hpp"

#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "sender/sent_codes.hpp"
#include "mfa/utf8.hpp"
#include "sender/notify_client.hpp"
#include "server/request_handler.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

constexpr int kDigits = 6;
constexpr int kTriesPerCode = 3;

std::string minutes(std::chrono::seconds ttl) {
    auto m = (ttl.count() + 59) / 60;
    return std::to_string(m) + (m == 1 ? " minute" : " minutes");
}

std::string refusal_text(const ChallengeIssued& issued, std::int64_t now) {
    switch (issued.result) {
        case ChallengeIssue::too_soon:
            return "A code was sent moments ago; you can ask for another in " +
                   std::to_string(std::max<std::int64_t>(issued.retry_at - now, 1)) + " s.";
        case ChallengeIssue::user_hour:
        case ChallengeIssue::user_day:
        case ChallengeIssue::destination_day:
            return "Too many text messages were sent to you lately; use another factor or try later.";
        case ChallengeIssue::global_hour: return "Text messages are paused on this host for now; use another factor.";
        case ChallengeIssue::factor_changed: return "Your factors changed during this login; log in again.";
        case ChallengeIssue::locked: return "Too many failed codes: this account is locked; no text message was sent.";
        case ChallengeIssue::paused:  // push only
        case ChallengeIssue::issued: break;
    }
    return "No text message was sent.";
}

}  // namespace

Awaitable<Challenge> send_sms_code(const RequestContext& ctx, const std::string& user, std::int64_t factor_id,
                                   const PhoneNumber& phone, const AuditEntry& where, bool verified) {
    const auto config = ctx.state.config;  // kept alive across the waits below
    const auto& sms = config->sms;
    if (sms.provider == SmsProvider::none) co_return Challenge{"", "", "Text messages are not set up on this host."};
    std::int64_t now = DaemonState::now();
    auto code = random_digits(kDigits);
    if (!code) {
        log::failure("no text message was sent", code.error());
        co_return Challenge{"", "", "No text message was sent: mfad failed; see its log."};
    }
    auto hash = ctx.state.codes->hash_code(user, factor_id, *code);
    auto destination = ctx.state.codes->hash_destination(phone.e164);
    if (!hash || !destination) {
        OPENSSL_cleanse(code->data(), code->size());
        log::error("no text message was sent", {{"MFA_REASON", (!hash ? hash.error() : destination.error()).message}});
        co_return Challenge{"", "", "No text message was sent: mfad failed; see its log."};
    }
    AuditEntry entry = where;
    entry.user = user;
    ChallengeRequest request{user, factor_id, std::move(*hash), std::move(*destination), now, now + sms.code_ttl.count(),
                             kTriesPerCode, sms.resend_after.count(), sms.max_per_user_per_hour,
                             sms.max_per_user_per_day, sms.max_per_number_per_day, sms.max_per_hour, "sms"};
    request.verified_destination = verified;
    auto issue = [request = std::move(request), entry](Store& store) { return store.issue_challenge(request, entry); };
    auto issued = co_await ctx.state.writes->submit<ChallengeIssued>(issue);
    if (!issued || issued->result != ChallengeIssue::issued) OPENSSL_cleanse(code->data(), code->size());
    if (!issued) {
        log::failure("no text message was sent", issued.error());
        co_return Challenge{"", "", "No text message was sent: mfad failed; see its log."};
    }
    if (issued->result != ChallengeIssue::issued) {
        if (issued->result != ChallengeIssue::factor_changed) {
            if (issued->result != ChallengeIssue::locked) ctx.state.counters.add(Counter::sms_rate_limited);
            AuditEntry refused = entry;
            refused.event = "sms_refused";
            refused.result = challenge_issue_name(issued->result);
            journal_audit(refused);
        }
        co_return Challenge{"", "", refusal_text(*issued, now), issued->result == ChallengeIssue::too_soon};
    }

    wire::NotifySend message{"sms", phone.e164,
                             "Your " + config->issuer + " login code is " + *code + ". It expires in " +
                                 minutes(sms.code_ttl) + ". Never share it.",
                             static_cast<std::uint64_t>(issued->challenge_id)};
    OPENSSL_cleanse(code->data(), code->size());
    auto sent = co_await send_through_notify(config->notify, message);
    OPENSSL_cleanse(message.text.data(), message.text.size());

    entry.event = sent ? "sms_sent" : "sms_failed";
    entry.result = sent ? "ok" : "fail";
    entry.detail = "to=" + phone.masked + " correlation=" + std::to_string(issued->challenge_id) +
                   (sent ? " message_id=" + *sent : " reason=" + printable(sent.error().message));
    ctx.state.counters.add(sent ? Counter::sms_sent : Counter::sms_failed);
    journal_audit(entry);
    Result<void> recorded;
    if (sent) {
        recorded = co_await audit(ctx, entry);
    } else {
        auto cancel = [id = issued->challenge_id, entry, now](Store& store) { return store.cancel_challenge(id, entry, now); };
        recorded = co_await ctx.state.writes->submit<void>(cancel);
    }
    if (!recorded) log::failure("an SMS audit row was lost", recorded.error());
    if (!sent) co_return Challenge{"", "", "The text message could not be sent; use another factor or try again later."};
    co_return Challenge{"A code was sent to " + phone.masked + "; it is valid for " + minutes(sms.code_ttl) + ".",
                        "", ""};
}

}  // namespace mfa::daemon
