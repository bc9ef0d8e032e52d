// The PAM benchmark's figures, each row run several times: a Markdown table
// of medians and spreads, and JSON with every run.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "spread.hpp"

namespace mfa::bench {

struct Figures {
    std::string module;
    std::string guarantees;  // what a login through it promises
    int run = 0;
    int processes = 0;
    int expected = 0;
    int succeeded = 0;
    int spurious = 0;  // right codes refused, or logins that never finished
    double logins_per_second = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    double daemon_cpu_ms_per_login = -1;  // mfad rows only
    long daemon_peak_rss_kib = -1;
};

struct RejectFigures {
    std::string module;
    double p50_ms = 0;
    double mean_ms = 0;
    int wrongly_accepted = 0;
};

// One cost every login pays, timed alone: a module's dlopen + dlclose (as
// libpam does per transaction), or a user lookup.
struct UnitCost {
    std::string what;
    double microseconds = 0;
};

// "AMD EPYC ..., 2 cores, Linux 6.x"
std::string machine();
std::string fixed(double v, int decimals);  // printf's %.*f
// Nearest rank; 0 for no values.
double percentile(std::vector<double> values, double p);

// Logins/s of `module` at `processes` over the runs.
Spread logins_per_second(const std::vector<Figures>& rows, const std::string& module, int processes);

std::string markdown(const std::vector<Figures>& rows, const std::vector<RejectFigures>& rejects,
                     const std::vector<UnitCost>& costs);
nlohmann::json json(const std::vector<Figures>& rows, const std::vector<RejectFigures>& rejects,
                    const std::vector<UnitCost>& costs);

}  // namespace mfa::bench
