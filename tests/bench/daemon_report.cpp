#include "daemon_report.hpp"

#include "bench_report.hpp"

namespace mfa::bench {

std::string markdown(const std::vector<DaemonFigures>& rows) {
    std::string out = "Machine: " + machine() + "\n\n";
    out += "| load | store | enrolled users | clients | verifications/s | p50 ms | p99 ms | accepted | refused (replay) | locked | errors | "
           "mfad CPU µs/verification | mfad peak RSS MiB | READY=1 ms |\n";
    out += "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& r : rows)
        out += "| " + r.load + " | " + r.store + " | " + std::to_string(r.users) + " | " + std::to_string(r.clients) + " | " +
               fixed(r.verifications_per_second, 0) + " | " + fixed(r.p50_ms, 3) + " | " + fixed(r.p99_ms, 3) + " | " +
               std::to_string(r.accepted) + " | " + std::to_string(r.refused) + " | " + std::to_string(r.locked) + " | " +
               std::to_string(r.errors) + " | " + fixed(r.cpu_us_per_verification, 1) + " | " +
               fixed(static_cast<double>(r.peak_rss_kib) / 1024.0, 1) + " | " + fixed(r.ready_ms, 1) + " |\n";
    return out;
}

nlohmann::json json(const std::vector<DaemonFigures>& rows) {
    nlohmann::json out = {{"machine", machine()}, {"rows", nlohmann::json::array()}};
    for (const auto& r : rows)
        out["rows"].push_back({{"load", r.load},
                               {"store", r.store},
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
