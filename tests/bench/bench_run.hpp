// Full PAM transactions (pam_start -> pam_authenticate -> pam_end) from P
// processes at once, each answering with the user's current TOTP code (or a
// wrong one), timed one by one.
#pragma once

#include <string>
#include <vector>

#include "bench_setup.hpp"

namespace mfa::bench {

struct RunResult {
    int attempts = 0;
    int succeeded = 0;
    int failed = 0;  // with right codes: spurious; with wrong codes: as expected
    double wall_seconds = 0;
    std::vector<double> latencies_ms;  // every attempt
};

// Each user logs in once, so replay protection is honoured: the users are
// split between `processes` children, which start together. With
// `ping_socket`, each login then connects to mfad there and PINGs it twice:
// the floor of a module that asks a daemon.
RunResult run_logins(const std::string& service, const std::vector<BenchUser>& users, int processes, bool right_codes,
                     const std::string& ping_socket = "");

}  // namespace mfa::bench
