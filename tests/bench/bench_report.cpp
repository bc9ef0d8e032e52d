#include "bench_report.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

namespace mfa::bench {
namespace {

// The rows of one module at one concurrency, in the order first run.
std::vector<std::pair<std::string, int>> row_keys(const std::vector<Figures>& rows) {
    std::vector<std::pair<std::string, int>> keys;
    for (const auto& r : rows)
        if (std::find(keys.begin(), keys.end(), std::make_pair(r.module, r.processes)) == keys.end())
            keys.emplace_back(r.module, r.processes);
    return keys;
}

template <class Get>
Spread over_runs(const std::vector<Figures>& rows, const std::string& module, int processes, Get get) {
    std::vector<double> values;
    for (const auto& r : rows)
        if (r.module == module && r.processes == processes) values.push_back(get(r));
    return spread_of(values);
}

const Figures& first(const std::vector<Figures>& rows, const std::string& module) {
    return *std::find_if(rows.begin(), rows.end(), [&](const Figures& r) { return r.module == module; });
}

constexpr const char* kGa = "pam_google_authenticator -d";

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

Spread logins_per_second(const std::vector<Figures>& rows, const std::string& module, int processes) {
    return over_runs(rows, module, processes, [](const Figures& f) { return f.logins_per_second; });
}

std::string markdown(const std::vector<Figures>& rows, const std::vector<RejectFigures>& rejects,
                     const std::vector<UnitCost>& costs) {
    int runs = 0;
    for (const auto& r : rows) runs = std::max(runs, r.run + 1);
    std::string out = "Machine: " + machine() + ". " + std::to_string(runs) +
                      " interleaved runs: each figure is the median, with the lowest and highest run in brackets.\n\n";
    out += "| module | guarantees | processes | logins/s | p50 ms | p99 ms | spurious failures | vs " + std::string(kGa) +
           " | mfad CPU ms/login | mfad peak RSS KiB |\n";
    out += "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& [module, processes] : row_keys(rows)) {
        const Figures& f = first(rows, module);
        auto lps = logins_per_second(rows, module, processes);
        auto p50 = over_runs(rows, module, processes, [](const Figures& r) { return r.p50_ms; });
        auto p99 = over_runs(rows, module, processes, [](const Figures& r) { return r.p99_ms; });
        auto cpu = over_runs(rows, module, processes, [](const Figures& r) { return r.daemon_cpu_ms_per_login; });
        auto rss = over_runs(rows, module, processes, [](const Figures& r) { return static_cast<double>(r.daemon_peak_rss_kib); });
        auto spurious = over_runs(rows, module, processes, [](const Figures& r) { return r.spurious; });
        out += "| " + module + " | " + f.guarantees + " | " + std::to_string(processes) + " | " + show(lps, 0) + " | " +
               show(p50, 3) + " | " + show(p99, 3) + " | " + fixed(spurious.high, 0) + " | " +
               show(ratio_of(lps, logins_per_second(rows, kGa, processes)), 2) + " | " +
               (f.daemon_cpu_ms_per_login < 0 ? "-" : show(cpu, 3)) + " | " +
               (f.daemon_peak_rss_kib < 0 ? "-" : fixed(rss.high, 0)) + " |\n";
    }
    out += "\n| module | reject a wrong code: p50 ms | mean ms | wrongly accepted |\n|---|---:|---:|---:|\n";
    std::map<std::string, std::vector<const RejectFigures*>> by_module;
    std::vector<std::string> order;
    for (const auto& r : rejects) {
        if (by_module[r.module].empty()) order.push_back(r.module);
        by_module[r.module].push_back(&r);
    }
    for (const auto& module : order) {
        std::vector<double> p50, mean;
        int accepted = 0;
        for (const auto* r : by_module[module]) {
            p50.push_back(r->p50_ms);
            mean.push_back(r->mean_ms);
            accepted += r->wrongly_accepted;
        }
        out += "| " + module + " | " + show(spread_of(p50), 3) + " | " + show(spread_of(mean), 3) + " | " +
               std::to_string(accepted) + " |\n";
    }
    out += "\n| cost per login, timed alone | µs |\n|---|---:|\n";
    for (const auto& c : costs) out += "| " + c.what + " | " + fixed(c.microseconds, 1) + " |\n";
    return out;
}

nlohmann::json json(const std::vector<Figures>& rows, const std::vector<RejectFigures>& rejects,
                    const std::vector<UnitCost>& costs) {
    auto optional = [](double v) { return v < 0 ? nlohmann::json() : nlohmann::json(v); };
    nlohmann::json out = {{"machine", machine()}, {"runs", nlohmann::json::array()}, {"summary", nlohmann::json::array()},
                          {"reject_wrong_code", nlohmann::json::array()}, {"unit_costs_us", nlohmann::json::object()}};
    for (const auto& r : rows)
        out["runs"].push_back({{"module", r.module},
                               {"run", r.run},
                               {"processes", r.processes},
                               {"logins", r.succeeded},
                               {"spurious_failures", r.spurious},
                               {"logins_per_second", r.logins_per_second},
                               {"p50_ms", r.p50_ms},
                               {"p99_ms", r.p99_ms},
                               {"mfad_cpu_ms_per_login", optional(r.daemon_cpu_ms_per_login)},
                               {"mfad_peak_rss_kib", optional(static_cast<double>(r.daemon_peak_rss_kib))}});
    for (const auto& [module, processes] : row_keys(rows)) {
        auto lps = logins_per_second(rows, module, processes);
        out["summary"].push_back({{"module", module},
                                  {"guarantees", first(rows, module).guarantees},
                                  {"processes", processes},
                                  {"logins_per_second", to_json(lps)},
                                  {"vs_google_authenticator_d", to_json(ratio_of(lps, logins_per_second(rows, kGa, processes)))}});
    }
    for (const auto& r : rejects)
        out["reject_wrong_code"].push_back(
            {{"module", r.module}, {"p50_ms", r.p50_ms}, {"mean_ms", r.mean_ms}, {"wrongly_accepted", r.wrongly_accepted}});
    for (const auto& c : costs) out["unit_costs_us"][c.what] = c.microseconds;
    return out;
}

}  // namespace mfa::bench
