#include "sys/uid_rate_limiter.hpp"

namespace mfa::daemon {
namespace {

// Past this many uids the quiet ones are dropped, so the table stays small.
constexpr std::size_t kMaxTrackedUids = 1024;

}  // namespace

std::optional<std::uint64_t> UidRateLimiter::admit(uid_t uid, Clock::time_point now) {
    if (slots_.size() >= kMaxTrackedUids && slots_.find(uid) == slots_.end()) forget_quiet_uids(now);
    auto [it, added] = slots_.try_emplace(uid, Slot{RateLimiter(burst_, window_), now});
    it->second.last_seen = now;
    if (!it->second.limiter.allow(now)) return std::nullopt;
    return it->second.limiter.take_suppressed();
}

void UidRateLimiter::forget_quiet_uids(Clock::time_point now) {
    // A uid quiet for a whole window has nothing held back worth keeping the slot for.
    std::erase_if(slots_, [&](const auto& slot) { return now - slot.second.last_seen >= window_; });
}

}  // namespace mfa::daemon
