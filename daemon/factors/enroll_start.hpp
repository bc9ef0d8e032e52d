// The part of ENROLL_START every kind shares: store the pending factor
// (within the user's limits), count and journal it, and say why not.
#pragma once

#include <optional>

#include "factors/factor.hpp"

namespace mfa::daemon {

struct PendingFactor {
    bool started = false;
    std::int64_t factor_id = 0;
    std::optional<Outcome> refusal;  // when not started: the reply
};

// `factor.name` empty: the kind's default name is filled in by the caller.
Awaitable<PendingFactor> start_pending_factor(const RequestContext& ctx, const std::string& user, NewFactor& factor);

}  // namespace mfa::daemon
