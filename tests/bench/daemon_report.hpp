// The daemon-only benchmark's figures, as a Markdown table and as JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mfa::bench {

struct DaemonFigures {
    std::string load;  // "BEGIN+ANSWER", or "2 x PING": the round trips alone
    std::string store = "sqlite";  // or "postgresql", a local server
    int run = 0;
    long users = 0;
    int clients = 0;
    double verifications_per_second = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    long accepted = 0;
    long refused = 0;  // replays of a code already used this step
    long locked = 0;
    long errors = 0;   // must be 0
    double cpu_us_per_verification = 0;
    long peak_rss_kib = 0;
    double ready_ms = 0;  // exec to READY=1
};

std::string markdown(const std::vector<DaemonFigures>& rows);
nlohmann::json json(const std::vector<DaemonFigures>& rows);

}  // namespace mfa::bench
