// Many protocol clients at once, each on its own connection, verifying
// codes against mfad as fast as it answers: BEGIN for a random bulk user,
// then ANSWER with that user's current TOTP code.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "bulk_seed.hpp"

namespace mfa::bench {

struct LoadResult {
    long verifications = 0;  // finished BEGIN + ANSWER pairs
    long accepted = 0;       // ALLOW
    long refused = 0;        // DENY: the user's code of this step was already used (replay)
    long locked = 0;         // LOCKED, at BEGIN or ANSWER
    long errors = 0;         // anything else: a broken connection, an ERROR frame
    double wall_seconds = 0;
    std::vector<double> latencies_ms;  // one per verification
};

// `pings_only`: two PINGs in place of BEGIN and ANSWER, the same round trips
// with no work behind them: the floor this machine sets for any verification.
LoadResult run_verifications(const std::string& socket, const std::vector<Secret>& secrets, int clients,
                             std::chrono::milliseconds duration, bool pings_only = false);

}  // namespace mfa::bench
