// Refused requests are security events, but any local user can make them as
// fast as the socket turns: each peer uid gets `burst` audit rows (and
// journal lines) per window; the rest are counted, and the next row written
// for that uid says how many were held back.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "sys/rate_limit.hpp"

namespace mfa::daemon {

class RefusalLimiter {
public:
    using Clock = RateLimiter::Clock;
    RefusalLimiter(int burst, Clock::duration window) : burst_(burst), window_(window) {}

    // The number held back since the last row when a row may be written now;
    // nullopt when this refusal only counts.
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
