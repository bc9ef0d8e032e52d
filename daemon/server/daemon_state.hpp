#pragma once

#include <chrono>
#include <memory>

#include "config/config.hpp"
#include "crypto/secret_box.hpp"
#include "metrics/counters.hpp"
#include "store/store.hpp"
#include "store/write_queue.hpp"

namespace mfa::daemon {

// A pending TOTP secret must be confirmed within this time.
inline constexpr std::int64_t kPendingEnrollmentSeconds = 600;
// A BEGIN is good for this long: people type slowly, sshd's LoginGraceTime is 120 s.
inline constexpr std::int64_t kLoginSessionSeconds = 180;

// What request handling reads: the live config (replaced whole on SIGHUP),
// the store, the write queue, the sealing key, the counters and the start time.
struct DaemonState {
    std::shared_ptr<const Config> config;
    Store* store = nullptr;        // reads; one connection, on the event loop's thread
    WriteQueue* writes = nullptr;  // every change, grouped into shared commits
    const SecretBox* box = nullptr;
    Counters counters;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    static std::int64_t now() {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

}  // namespace mfa::daemon
