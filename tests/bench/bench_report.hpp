// The benchmark's figures, as a Markdown table and as JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mfa::bench {

struct Figures {
    std::string module;
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

// "AMD EPYC ..., 2 cores, Linux 6.x"
std::string machine();
std::string fixed(double v, int decimals);  // printf's %.*f
// Nearest rank; 0 for no values.
double percentile(std::vector<double> values, double p);

std::string markdown(const std::vector<Figures>& rows, const std::vector<RejectFigures>& rejects);
nlohmann::json json(const std::vector<Figures>& rows, const std::vector<RejectFigures>& rejects);

}  // namespace mfa::bench
