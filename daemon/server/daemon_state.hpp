#pragma once

#include <chrono>
#include <memory>

#include "auth/group_cache.hpp"
#include "config/config.hpp"
#include "crypto/secret_box.hpp"
#include "factors/push/open_pushes.hpp"
#include "sender/sent_codes.hpp"
#include "metrics/counters.hpp"
#include "server/background.hpp"
#include "server/pending_logins.hpp"
#include "store/store.hpp"
#include "server/store_access.hpp"
#include "store/write_queue.hpp"
#include "sys/rate_limit.hpp"
#include "sys/uid_rate_limiter.hpp"

namespace mfa::daemon {

class KeyRotator;

// After a login's time is up its connection stays this much longer, so an
// answer typed just too late is judged (a failure) instead of meeting a closed socket.
inline constexpr std::chrono::seconds kLateAnswerGrace{10};

// What request handling reads: the live config (replaced whole on SIGHUP),
// the store, the write queue, the sealing key, the counters and the start time.
struct DaemonState {
    std::shared_ptr<const Config> config;
    StoreAccess* store = nullptr;  // reads, where the store lives (the loop's thread, or the store's)
    WriteQueue* writes = nullptr;  // every change, grouped into shared commits
    int schema_version = 0;
    const SecretBox* box = nullptr;
    const KeyRing* keys = nullptr;  // for a second store (mfactl admin migrate-store)
    const SentCodes* codes = nullptr;  // hashes of codes sent by SMS
    Background* background = nullptr;  // slow reads (audit verify) off the event loop
    PendingLogins* logins = nullptr;
    KeyRotator* rotation = nullptr;  // mfactl admin rekey
    Counters counters;
    // Refusals write at most 5 audit rows per peer uid per minute.
    UidRateLimiter refusals{5, std::chrono::minutes(1)};
    // Enrollment and backup-code requests of uids other than root, each an
    // audit row or more: 30 per uid per minute.
    UidRateLimiter self_service{30, std::chrono::minutes(1)};
    // "Older pending logins ended" lines: a flood of su sessions is one user's.
    RateLimiter eviction_log{10, std::chrono::seconds(10)};
    // "request failed" lines: a local user repeating a failing request.
    RateLimiter failure_log{20, std::chrono::seconds(10)};
    OpenPushes pushes;  // push approvals awaiting their answer
    GroupCache groups;  // policy.*_groups, asked of NSS once per policy.group_cache
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    static std::int64_t now() {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

}  // namespace mfa::daemon
