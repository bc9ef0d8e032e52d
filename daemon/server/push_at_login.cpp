#include "server/push_at_login.hpp"

#include "factors/push/push_wait.hpp"
#include "server/login_common.hpp"
#include "server/login_menu.hpp"

namespace mfa::daemon {
namespace {

// An approval tapped just before Enter may still be on its way: the sender
// polls at most every 3 s.
constexpr std::chrono::seconds kLastPollGrace{4};
// After a stop, the time the push's end takes to be recorded, so a push
// chosen again at once is not refused as one already waiting.
constexpr std::chrono::seconds kStopGrace{1};

PushSettled reply(wire::FrameWriter frame) { return PushSettled{Outcome{std::move(frame), {}}, {}}; }

// The push is over without an approval: the menu, or with a single factor the backup codes.
PushSettled back_to_menu(const RequestContext& ctx, LoginSession& login, std::string why) {
    login.push.reset();
    if (has_menu(login)) {
        login.at = LoginSession::kMenu;
        return reply(ask_again(ctx, login, std::move(why)));
    }
    if (login.backup && login.backup_remaining > 0) {
        login.at = LoginSession::kBackupCodes;
        login.step_prompt = "Backup code: ";
        return reply(ask_again(ctx, login, std::move(why)));
    }
    return PushSettled{login_denied(ctx, why + " Log in again to send a new request."), {}};
}

}  // namespace

Outcome approval_not_spent(const RequestContext& ctx, LoginSession& login) {
    return std::move(*back_to_menu(ctx, login, "That approval can no longer be used; choose again.").outcome);
}

Awaitable<PushSettled> settle_push(const RequestContext& ctx, LoginSession& login, bool expired) {
    auto wait = login.push;
    if (expired) {
        wait->stop();
        co_return PushSettled{login_denied(ctx, "The login timed out."), {}};
    }
    co_await wait->settle(kLastPollGrace);
    std::int64_t now = DaemonState::now();
    switch (wait->state) {
        case PushState::approved:
            // Its row is gone by now: spending it would count a failure for an approval.
            if (now >= wait->spend_by) co_return back_to_menu(ctx, login, "The approval came too late to use; choose again.");
            login.push.reset();  // one try: whatever the spend gives, the next Enter spends nothing again
            co_return PushSettled{{}, wait->claim()};
        case PushState::denied:
            login.push.reset();
            if (wait->locked_until > now) co_return PushSettled{login_locked(ctx, wait->locked_until), {}};
            co_return PushSettled{login_denied(ctx, "The request was denied on the phone."), {}};
        case PushState::not_me: login.push.reset(); co_return PushSettled{login_locked(ctx, wait->locked_until), {}};
        case PushState::expired: co_return back_to_menu(ctx, login, "No answer came from the phone in time.");
        case PushState::failed: co_return back_to_menu(ctx, login, "The push request failed; use another factor.");
        case PushState::unrecorded:
            login.push.reset();
            co_return PushSettled{login_denied(ctx, "mfad could not record the answer; log in again."), {}};
        case PushState::waiting: break;
    }
    wait->stop();
    co_await wait->settle(kStopGrace);
    // The approval was already on its way: the person approved, and it is spent.
    if (wait->state == PushState::approved && DaemonState::now() < wait->spend_by) {
        login.push.reset();
        co_return PushSettled{{}, wait->claim()};
    }
    co_return back_to_menu(ctx, login, "The push request was cancelled.");
}

}  // namespace mfa::daemon
