// One push approval on its way: sent through mfad-notify, then awaited in
// the background (no thread blocks), its end recorded in the store the
// moment it comes, whether or not anyone is still waiting for it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "factors/factor.hpp"
#include "sender/notify_client.hpp"

namespace mfa::daemon {

// failed: the sender or provider broke (the menu comes back); unrecorded:
// mfad could not record the answer (the login is denied, whatever it was).
enum class PushState { waiting, approved, denied, not_me, expired, failed, unrecorded };

struct PushWait {
    explicit PushWait(const asio::any_io_executor& executor) : changed(executor) {}

    std::string user;
    std::int64_t factor_id = 0;
    std::string factor_name;
    std::int64_t challenge_id = 0;  // the challenges row an approval spends
    std::int64_t spend_by = 0;      // that row's end (unix seconds): a later Enter finds nothing to spend
    int number = 0;                 // the number to pick on the phone
    std::vector<std::uint8_t> proof;  // keyed hash of the row's token: the claim an approval makes
    PushState state = PushState::waiting;
    std::int64_t locked_until = 0;  // set when the answer locked the account
    bool stopped = false;           // the person stopped waiting
    asio::steady_timer changed;     // a settle() in progress ends when the state changes
    std::shared_ptr<NotifyPush> exchange;

    // Waits until the push is answered or `limit` passes (one waiter at a time).
    Awaitable<void> settle(std::chrono::steady_clock::duration limit);
    // The person stopped waiting: the sender stops polling, and the push ends unanswered.
    void stop();
    // An approval's claim, for the attempt that spends it.
    Claim claim() const;
};

struct PushStart {
    std::shared_ptr<PushWait> wait;  // null: refused
    std::string refusal;             // said to the person
};

// Sends a push for `factor` (sealed device id) and awaits its answer in the
// background. `where` gives the audit rows their service, rhost and peer;
// `test`: enrollment's test request, not a login.
Awaitable<PushStart> start_push(const RequestContext& ctx, const std::string& user, const FactorRecord& factor,
                                const AuditEntry& where, bool test);

}  // namespace mfa::daemon
