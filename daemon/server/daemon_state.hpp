#pragma once

#include <chrono>
#include <memory>

#include "audit/refusal_limiter.hpp"
#include "config/config.hpp"
#include "crypto/secret_box.hpp"
#include "metrics/counters.hpp"
#include "server/background.hpp"
#include "server/pending_logins.hpp"
#include "store/store.hpp"
#include "store/write_queue.hpp"

namespace mfa::daemon {

// A pending TOTP secret must be confirmed within this time.
inline constexpr std::int64_t kPendingEnrollmentSeconds = 600;
// After a login's time is up its connection stays this much longer, so an
// answer typed just too late is judged (a failure) instead of meeting a closed socket.
inline constexpr std::chrono::seconds kLateAnswerGrace{10};

// What request handling reads: the live config (replaced whole on SIGHUP),
// the store, the write queue, the sealing key, the counters and the start time.
struct DaemonState {
    std::shared_ptr<const Config> config;
    Store* store = nullptr;        // reads; one connection, on the event loop's thread
    WriteQueue* writes = nullptr;  // every change, grouped into shared commits
    const SecretBox* box = nullptr;
    Background* background = nullptr;  // slow reads (audit verify) off the event loop
    PendingLogins* logins = nullptr;
    Counters counters;
    // Refusals write at most 5 audit rows per peer uid per minute.
    RefusalLimiter refusals{5, std::chrono::minutes(1)};
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    static std::int64_t now() {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

}  // namespace mfa::daemon
