// At most `burst` events per `interval`; counts what it held back so the next
// allowed message can say how many were suppressed.
#pragma once

#include <chrono>
#include <cstdint>

namespace mfa::daemon {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    RateLimiter(int burst, Clock::duration interval) : burst_(burst), interval_(interval) {}

    bool allow(Clock::time_point now = Clock::now()) {
        if (now - window_start_ >= interval_) {
            window_start_ = now;
            used_ = 0;
        }
        if (used_ < burst_) {
            ++used_;
            return true;
        }
        ++suppressed_;
        return false;
    }

    // Returns and clears the count held back since the last call.
    std::uint64_t take_suppressed() {
        auto n = suppressed_;
        suppressed_ = 0;
        return n;
    }

private:
    int burst_;
    Clock::duration interval_;
    Clock::time_point window_start_{};
    int used_ = 0;
    std::uint64_t suppressed_ = 0;
};

}  // namespace mfa::daemon
