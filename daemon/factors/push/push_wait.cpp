#include "factors/push/push_wait.hpp"

#include <openssl/crypto.h>
#include <unistd.h>

#include "audit/audit_journal.hpp"
#include "factors/push/push_factor.hpp"
#include "mfa/utc_time.hpp"
#include "mfa/utf8.hpp"
#include "sender/sent_codes.hpp"
#include "server/request_handler.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

// After push.timeout the row stays this much longer, so an approval that came
// at the last moment can still be spent by the Enter that follows it.
constexpr std::int64_t kSpendGrace = 30;
// The sender's last poll (or its program's reaping) after push.timeout.
constexpr std::chrono::seconds kAnswerMargin{20};

std::string this_host() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "this host";
    std::string host(name);
    return valid_identifier_text(host) && !host.empty() && host.size() <= wire::kMaxHost ? host : "this host";
}

// A two-digit number, 10-99, uniformly.
Result<int> number_to_pick() {
    for (;;) {
        auto digits = random_digits(2);
        if (!digits) return digits.error();
        if ((*digits)[0] != '0') return ((*digits)[0] - '0') * 10 + ((*digits)[1] - '0');
    }
}

std::string refusal_text(const ChallengeIssued& issued, std::int64_t now) {
    switch (issued.result) {
        case ChallengeIssue::too_soon:
            return "A request is already waiting on your phone: answer it, or try again in " +
                   std::to_string(std::max<std::int64_t>(issued.retry_at - now, 1)) + " s.";
        case ChallengeIssue::user_hour:
        case ChallengeIssue::user_day:
        case ChallengeIssue::destination_day: return "Too many push requests were sent to you lately; use another factor.";
        case ChallengeIssue::global_hour: return "Push requests are paused on this host for now; use another factor.";
        case ChallengeIssue::factor_changed: return "Your factors changed during this login; log in again.";
        case ChallengeIssue::locked: return "Too many failed codes: this account is locked; no push request was sent.";
        case ChallengeIssue::paused:
            return "Push is paused until " + utc_time(issued.retry_at) + "; use another factor.";
        case ChallengeIssue::issued: break;
    }
    return "No push request was sent.";
}

PushEnding ending_of(const Result<wire::PushResult>& answer, const PushWait& wait, std::string& detail) {
    if (!answer) {
        if (wait.stopped) return PushEnding::cancelled;
        detail = " reason=" + printable(answer.error().message);
        return PushEnding::failed;
    }
    if (answer->status == "approved") {
        if (static_cast<int>(answer->number) == wait.number) return PushEnding::approved;
        // mfad-notify says whether its provider can report the pick (twilio-verify cannot);
        // from one that can, an approval without it is no number matching.
        if (answer->number == 0 && answer->number_unreported) return PushEnding::approved;
        detail = answer->number == 0 ? " reason=no_number" : " reason=wrong_number";
        return PushEnding::denied;
    }
    if (answer->status == "denied") return answer->not_me ? PushEnding::not_me : PushEnding::denied;
    return PushEnding::expired;
}

Counter counter_of(PushEnding ending) {
    switch (ending) {
        case PushEnding::approved: return Counter::push_approved;
        case PushEnding::denied: return Counter::push_denied;
        case PushEnding::not_me: return Counter::push_fraud_reported;
        case PushEnding::expired:
        case PushEnding::cancelled: return Counter::push_expired;
        case PushEnding::failed: return Counter::push_failed;
    }
    return Counter::push_expired;
}

PushState state_of(PushEnding ending) {
    switch (ending) {
        case PushEnding::approved: return PushState::approved;
        case PushEnding::denied: return PushState::denied;
        case PushEnding::not_me: return PushState::not_me;
        case PushEnding::expired:
        case PushEnding::cancelled: return PushState::expired;
        case PushEnding::failed: return PushState::failed;
    }
    return PushState::failed;
}

// Runs detached for the push's life: its answer is recorded even when the
// login that asked is gone (a "not me" still locks).
// `slot`, this push's place among the host's open pushes, is freed when this ends, however it ends.
Awaitable<void> await_answer(DaemonState& state, std::shared_ptr<const Config> config, std::shared_ptr<PushWait> wait,
                             AuditEntry entry, OpenPushes::Slot slot) {
    slot.hold(wait);
    auto answer = co_await wait->exchange->answer(config->push.timeout + kAnswerMargin);
    wait->exchange->cancel();
    std::string detail;
    PushEnding ending = ending_of(answer, *wait, detail);
    entry.detail += detail;
    PushEnd end{wait->user, wait->challenge_id, ending, DaemonState::now(), config->push.max_unanswered,
                config->lockout.duration.count(), config->lockout.max_failures, config->lockout.duration.count(), entry};
    auto record = [end](Store& store) { return store.record_push(end); };
    auto recorded = co_await state.writes->submit<PushRecorded>(record);
    if (!recorded) {
        // Unrecorded, an approval proves nothing and a denial's count or lock is lost: the login ends.
        log::failure("the end of a push was not recorded", recorded.error(), {"MFA_USER", wait->user});
        wait->state = PushState::unrecorded;
    } else {
        for (const auto& row : recorded->audited) journal_audit(row);
        state.counters.add(counter_of(ending));
        if (recorded->locked_until > end.now) state.counters.add(Counter::lockouts);
        wait->locked_until = recorded->locked_until;
        wait->state = state_of(ending);
    }
    wait->changed.cancel();
}

}  // namespace

Awaitable<void> PushWait::settle(std::chrono::steady_clock::duration limit) {
    if (state != PushState::waiting) co_return;
    changed.expires_after(limit);
    boost::system::error_code ec;
    co_await changed.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void PushWait::stop() {
    stopped = true;
    if (exchange) exchange->cancel();
}

Claim PushWait::claim() const { return Claim{Claim::Spend::challenge_code, factor_id, 0, proof, factor_name}; }

Awaitable<PushStart> start_push(const RequestContext& ctx, const std::string& user, const FactorRecord& factor,
                                const AuditEntry& where, bool test) {
    const auto config = ctx.state.config;  // kept alive across the waits below
    const auto& push = config->push;
    if (push.provider == PushProvider::none) co_return PushStart{nullptr, "Push requests are not set up on this host."};
    // Taken before the first wait, so racing logins cannot overshoot the cap; freed on every way out.
    // One per user, in memory: a pending factor enrolled anew takes its rows with it, this stays.
    auto slot = ctx.state.pushes.take(user);
    if (!slot)
        co_return PushStart{nullptr, ctx.state.pushes.open() >= kMaxOpenPushes
                                         ? "Too many push requests are waiting on this host; use another factor."
                                         : "A request is already waiting on your phone: answer it, or try again later."};
    std::int64_t now = DaemonState::now();
    auto record = co_await ctx.state.store->load_user(user);
    if (!record) {
        log::failure("no push request was sent", record.error());
        co_return PushStart{nullptr, "No push request was sent: mfad failed; see its log."};
    }
    if (*record && (*record)->push_paused_until > now)
        co_return PushStart{nullptr, "Push is paused until " + utc_time((*record)->push_paused_until) + " after " +
                                         std::to_string(push.max_unanswered) +
                                         " requests in a row went unanswered or were denied; use another factor."};

    auto number = number_to_pick();
    auto token = random_digits(24);
    auto device = ctx.state.box->open(user, kPushDeviceField, factor.sealed_secret);
    if (!number || !token || !device) {
        log::error("no push request was sent",
                   {{"MFA_REASON", (!number ? number.error() : !token ? token.error() : device.error()).message}});
        co_return PushStart{nullptr, "No push request was sent: mfad failed; see its log."};
    }
    std::string device_id(reinterpret_cast<const char*>(device->data()), device->size());
    OPENSSL_cleanse(device->data(), device->size());
    auto proof = ctx.state.codes->hash_code(user, factor.id, *token);
    auto destination = ctx.state.codes->hash_destination(device_id);
    OPENSSL_cleanse(token->data(), token->size());
    if (!proof || !destination) {
        OPENSSL_cleanse(device_id.data(), device_id.size());
        log::error("no push request was sent", {{"MFA_REASON", (!proof ? proof.error() : destination.error()).message}});
        co_return PushStart{nullptr, "No push request was sent: mfad failed; see its log."};
    }

    AuditEntry entry = where;
    entry.user = user;
    std::int64_t wait_seconds = push.timeout.count() + kSpendGrace;
    ChallengeRequest request{user, factor.id, *proof, std::move(*destination), now, now + wait_seconds, 1, wait_seconds,
                             push.max_per_user_per_hour, push.max_per_user_per_day, push.max_per_user_per_day,
                             push.max_per_hour, "push"};
    // A test request goes to a device nobody has proven yet: it has its own
    // budget, so "enrolling" someone else's phone spends none of their logins' pushes.
    request.verified_destination = !test;
    auto issue = [request = std::move(request), entry](Store& store) { return store.issue_challenge(request, entry); };
    auto issued = co_await ctx.state.writes->submit<ChallengeIssued>(issue);
    if (!issued || issued->result != ChallengeIssue::issued) {
        OPENSSL_cleanse(device_id.data(), device_id.size());
        if (!issued) {
            log::failure("no push request was sent", issued.error());
            co_return PushStart{nullptr, "No push request was sent: mfad failed; see its log."};
        }
        if (issued->result != ChallengeIssue::factor_changed) {
            AuditEntry refused = entry;
            refused.event = "push_refused";
            refused.result = challenge_issue_name(issued->result);
            journal_audit(refused);
        }
        co_return PushStart{nullptr, refusal_text(*issued, now)};
    }

    auto wait = std::make_shared<PushWait>(co_await asio::this_coro::executor);
    wait->user = user;
    wait->factor_id = factor.id;
    wait->factor_name = factor.name;
    wait->challenge_id = issued->challenge_id;
    wait->spend_by = now + wait_seconds;
    wait->number = *number;
    wait->proof = std::move(*proof);
    wait->exchange = std::make_shared<NotifyPush>(co_await asio::this_coro::executor);
    std::string host = this_host();
    std::string from = entry.rhost.empty() ? "" : " from " + entry.rhost;
    // The number is not in the text: the phone must ask for it (or offer
    // choices), else the person approves by reflex and matching proves nothing.
    std::string what = test ? "Test request from " + host + " to turn on push for " + user
                            : "Login of " + user + " to " + host + from + (entry.service.empty() ? "" : " (" + entry.service + ")");
    wire::PushSend message{device_id,
                           what + ". Approve only if it is you, with the number your screen shows.",
                           static_cast<std::uint32_t>(*number),
                           static_cast<std::uint64_t>(issued->challenge_id),
                           user,
                           host,
                           entry.service,
                           entry.rhost,
                           static_cast<std::uint64_t>(now),
                           static_cast<std::uint32_t>(push.timeout.count())};
    auto created = co_await wait->exchange->create(config->notify, message);
    OPENSSL_cleanse(message.device.data(), message.device.size());
    OPENSSL_cleanse(device_id.data(), device_id.size());

    entry.event = created ? "push_sent" : "push_failed";
    entry.result = created ? "ok" : "fail";
    entry.detail = "factor=" + factor.name + " correlation=" + std::to_string(issued->challenge_id) +
                   (created ? " challenge=" + printable(*created) : " reason=" + printable(created.error().message));
    ctx.state.counters.add(created ? Counter::push_sent : Counter::push_failed);
    journal_audit(entry);
    if (!created) {
        wait->exchange->cancel();
        auto cancel = [id = issued->challenge_id, entry, now](Store& store) { return store.cancel_challenge(id, entry, now); };
        if (auto rc = co_await ctx.state.writes->submit<void>(cancel); !rc)
            log::failure("a push audit row was lost", rc.error());
        co_return PushStart{nullptr, "The push request could not be sent; use another factor or try again later."};
    }
    if (auto rc = co_await audit(ctx, entry); !rc) log::failure("a push audit row was lost", rc.error());
    AuditEntry answer_row = where;
    answer_row.detail = "factor=" + factor.name + " correlation=" + std::to_string(issued->challenge_id) +
                        " challenge=" + printable(*created);
    // Named first: g++ 12 destroys the temporaries of a co_await expression twice.
    auto executor = co_await asio::this_coro::executor;
    asio::co_spawn(executor, await_answer(ctx.state, config, wait, answer_row, std::move(*slot)), asio::detached);
    co_return PushStart{wait, ""};
}

}  // namespace mfa::daemon
