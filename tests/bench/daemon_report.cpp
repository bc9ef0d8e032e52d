#include "daemon_report.hpp"

#include <algorithm>

#include "bench_report.hpp"
#include "spread.hpp"

namespace mfa::bench {

std::string markdown(const std::vector<DaemonFigures>& rows) {
    int runs = 0;
    for (const auto& r : rows) runs = std::max(runs, r.run + 1);
    std::string out = "Machine: " + machine() + ". " + std::to_string(runs) +
                      " interleaved runs: medians, with the lowest and highest run in brackets.\n\n";
    out += "| load | store | enrolled users | clients | verifications/s | p50 ms | p99 ms | errors | "
           "mfad CPU µs/verification | mfad peak RSS MiB | READY=1 ms |\n";
    out += "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    std::vector<const DaemonFigures*> keys;
    auto same = [](const DaemonFigures& a, const DaemonFigures& b) {
        return a.load == b.load && a.store == b.store && a.users == b.users && a.clients == b.clients;
    };
    for (const auto& r : rows)
        if (std::none_of(keys.begin(), keys.end(), [&](const DaemonFigures* k) { return same(*k, r); })) keys.push_back(&r);
    for (const auto* k : keys) {
        std::vector<double> rate, p50, p99, cpu, rss, ready;
        long errors = 0;
        for (const auto& r : rows)
            if (same(*k, r)) {
                rate.push_back(r.verifications_per_second);
                p50.push_back(r.p50_ms);
                p99.push_back(r.p99_ms);
                cpu.push_back(r.cpu_us_per_verification);
                rss.push_back(static_cast<double>(r.peak_rss_kib) / 1024.0);
                ready.push_back(r.ready_ms);
                errors += r.errors;
            }
        out += "| " + k->load + " | " + k->store + " | " + std::to_string(k->users) + " | " + std::to_string(k->clients) +
               " | " + show(spread_of(rate), 0) + " | " + show(spread_of(p50), 3) + " | " + show(spread_of(p99), 3) + " | " +
               std::to_string(errors) + " | " + show(spread_of(cpu), 1) + " | " + show(spread_of(rss), 1) + " | " +
               show(spread_of(ready), 1) + " |\n";
    }
    return out;
}

nlohmann::json json(const std::vector<DaemonFigures>& rows) {
    nlohmann::json out = {{"machine", machine()}, {"rows", nlohmann::json::array()}};
    for (const auto& r : rows)
        out["rows"].push_back({{"load", r.load},
                               {"store", r.store},
                               {"run", r.run},
                               {"users", r.users},
                               {"clients", r.clients},
                               {"verifications_per_second", r.verifications_per_second},
                               {"p50_ms", r.p50_ms},
                               {"p99_ms", r.p99_ms},
                               {"accepted", r.accepted},
                               {"refused_replay", r.refused},
                               {"locked", r.locked},
                               {"errors", r.errors},
                               {"mfad_cpu_us_per_verification", r.cpu_us_per_verification},
                               {"mfad_peak_rss_kib", r.peak_rss_kib},
                               {"ready_ms", r.ready_ms}});
    return out;
}

}  // namespace mfa::bench
