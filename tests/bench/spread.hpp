// Several runs of one figure: the median and the spread (lowest, highest),
// and a target judged on the spread, not on one lucky run.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mfa::bench {

struct Spread {
    double median = 0;
    double low = 0;
    double high = 0;
};

Spread spread_of(std::vector<double> values);
// a / b over the runs: the median of a over the median of b, and the range
// from low(a)/high(b) to high(a)/low(b).
Spread ratio_of(const Spread& a, const Spread& b);
// "1234 (1200-1300)"; one run prints the value alone.
std::string show(const Spread& s, int decimals);
nlohmann::json to_json(const Spread& s);

// "met" when even the spread's low end reaches the goal, "missed" when even
// its high end falls short, otherwise the runs do not settle it.
struct Target {
    std::string text;   // "durability full >= 1.5x google-authenticator -d at 1 process"
    Spread measured;
    double goal = 0;
    std::string unit;   // "x", "%", " ms", " MiB"
    bool at_most = false;  // the goal is a ceiling (latency, memory)
};

std::string verdict(const Target& t);
std::string markdown(const std::vector<Target>& targets);
nlohmann::json to_json(const std::vector<Target>& targets);

}  // namespace mfa::bench
