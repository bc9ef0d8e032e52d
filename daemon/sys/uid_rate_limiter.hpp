// A budget per peer uid: any local user can send requests as fast as the
// socket turns, and some requests cost a disk write (an audit row, a journal
// line). Each uid gets `burst` per window; the rest are counted, so the next
// one let through can say how many were held back.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "sys/rate_limit.hpp"

namespace mfa::daemon {

class UidRateLimiter {
public:
    using Clock = RateLimiter::Clock;
    UidRateLimiter(int burst, Clock::duration window) : burst_(burst), window_(window) {}

    // When `uid` may go ahead now: how many were held back since its last
    // success. nullopt when over the budget (and counted).
    std::optional<std::uint64_t> admit(uid_t uid, Clock::time_point now = Clock::now());

private:
    struct Slot {
        RateLimiter limiter;
        Clock::time_point last_seen;
    };
    void forget_quiet_uids(Clock::time_point now);

    int burst_;
    Clock::duration window_;
    std::unordered_map<uid_t, Slot> slots_;
};

}  // namespace mfa::daemon
