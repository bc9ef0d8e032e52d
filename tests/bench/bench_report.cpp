#include "bench_report.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <numeric>

namespace mfa::bench {
namespace {

const Figures* find(const std::vector<Figures>& rows, const std::string& module, int processes) {
    for (const auto& r : rows)
        if (r.module == module && r.processes == processes) return &r;
    return nullptr;
}

double ratio(const std::vector<Figures>& rows, const Figures& r, const std::string& base) {
    const auto* b = find(rows, base, r.processes);
    return b != nullptr && b->logins_per_second > 0 ? r.logins_per_second / b->logins_per_second : 0;
}

}  // namespace

std::string machine() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line, model = "unknown CPU";
    while (std::getline(cpuinfo, line))
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    utsname u{};
    uname(&u);
    return model + ", " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " cores, Linux " + u.release;
}

std::string fixed(double v, int decimals) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(rank, values.size() - 1)];
}

std::string markdown(const std::vector<Figures>& rows, const std::vector<RejectFigures>& rejects) {
    std::string out = "Machine: " + machine() + "\n\n";
    out += "| module | processes | logins/s | p50 ms | p99 ms | spurious failures | vs pam_permit | vs google-authenticator | mfad CPU ms/login | mfad peak RSS KiB |\n";
    out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& r : rows)
        out += "| " + r.module + " | " + std::to_string(r.processes) + " | " + fixed(r.logins_per_second, 0) + " | " +
               fixed(r.p50_ms, 3) + " | " + fixed(r.p99_ms, 3) + " | " + std::to_string(r.spurious) + " | " +
               fixed(ratio(rows, r, "pam_permit"), 2) + " | " + fixed(ratio(rows, r, "pam_google_authenticator"), 2) +
               " | " + (r.daemon_cpu_ms_per_login < 0 ? "-" : fixed(r.daemon_cpu_ms_per_login, 3)) + " | " +
               (r.daemon_peak_rss_kib < 0 ? "-" : std::to_string(r.daemon_peak_rss_kib)) + " |\n";
    out += "\n| module | reject a wrong code: p50 ms | mean ms | wrongly accepted |\n|---|---:|---:|---:|\n";
    for (const auto& r : rejects)
        out += "| " + r.module + " | " + fixed(r.p50_ms, 3) + " | " + fixed(r.mean_ms, 3) + " | " +
               std::to_string(r.wrongly_accepted) + " |\n";
    return out;
}

nlohmann::json json(const std::vector<Figures>& rows, const std::vector<RejectFigures>& rejects) {
    nlohmann::json out = {{"machine", machine()}, {"rows", nlohmann::json::array()}, {"reject_wrong_code", nlohmann::json::array()}};
    for (const auto& r : rows)
        out["rows"].push_back({{"module", r.module},
                               {"processes", r.processes},
                               {"logins", r.succeeded},
                               {"spurious_failures", r.spurious},
                               {"logins_per_second", r.logins_per_second},
                               {"p50_ms", r.p50_ms},
                               {"p99_ms", r.p99_ms},
                               {"vs_pam_permit", ratio(rows, r, "pam_permit")},
                               {"vs_google_authenticator", ratio(rows, r, "pam_google_authenticator")},
                               {"mfad_cpu_ms_per_login", r.daemon_cpu_ms_per_login < 0 ? nlohmann::json() : nlohmann::json(r.daemon_cpu_ms_per_login)},
                               {"mfad_peak_rss_kib", r.daemon_peak_rss_kib < 0 ? nlohmann::json() : nlohmann::json(r.daemon_peak_rss_kib)}});
    for (const auto& r : rejects)
        out["reject_wrong_code"].push_back(
            {{"module", r.module}, {"p50_ms", r.p50_ms}, {"mean_ms", r.mean_ms}, {"wrongly_accepted", r.wrongly_accepted}});
    return out;
}

}  // namespace mfa::bench
