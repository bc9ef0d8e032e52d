#include "spread.hpp"

#include <algorithm>

#include "bench_report.hpp"

namespace mfa::bench {

Spread spread_of(std::vector<double> values) {
    if (values.empty()) return {};
    std::sort(values.begin(), values.end());
    std::size_t n = values.size();
    double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    return {median, values.front(), values.back()};
}

Spread ratio_of(const Spread& a, const Spread& b) {
    auto div = [](double x, double y) { return y > 0 ? x / y : 0; };
    return {div(a.median, b.median), div(a.low, b.high), div(a.high, b.low)};
}

std::string show(const Spread& s, int decimals) {
    std::string out = fixed(s.median, decimals);
    if (s.low != s.high) out += " (" + fixed(s.low, decimals) + "-" + fixed(s.high, decimals) + ")";
    return out;
}

nlohmann::json to_json(const Spread& s) { return {{"median", s.median}, {"low", s.low}, {"high", s.high}}; }

std::string verdict(const Target& t) {
    if (t.at_most ? t.measured.high <= t.goal : t.measured.low >= t.goal) return "met";
    if (t.at_most ? t.measured.low > t.goal : t.measured.high < t.goal) return "missed";
    return "not settled: the spread covers the goal";
}

namespace {

Spread scaled(const Target& t) {
    double k = t.unit == "%" ? 100 : 1;
    return {t.measured.median * k, t.measured.low * k, t.measured.high * k};
}

}  // namespace

std::string markdown(const std::vector<Target>& targets) {
    std::string out = "| target | measured: median (spread) | |\n|---|---|---|\n";
    for (const auto& t : targets)
        out += "| " + t.text + " | " + show(scaled(t), t.unit == "%" || t.unit == " ms" ? 0 : t.unit == " MiB" ? 1 : 2) + t.unit + " | " + verdict(t) + " |\n";
    return out;
}

nlohmann::json to_json(const std::vector<Target>& targets) {
    auto out = nlohmann::json::array();
    for (const auto& t : targets)
        out.push_back({{"target", t.text}, {"goal", t.goal}, {"measured", to_json(t.measured)}, {"verdict", verdict(t)}});
    return out;
}

}  // namespace mfa::bench
