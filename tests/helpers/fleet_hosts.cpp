#include "fleet_hosts.hpp"

#include "cmocka.hpp"
#include "enrollment.hpp"

namespace mfa::test {

std::string token_code(std::uint64_t counter) { return oathtool_hotp(kFleetTokenHex, counter); }

Finished mfactl(DaemonFixture& host, std::vector<std::string> args) {
    args.insert(args.begin(), {MFACTL_BIN, "--socket", host.socket()});
    return run(args);
}

void enroll_token(DaemonFixture& on, const std::string& user, const std::string& hex_file) {
    auto started = mfactl(on, {"enroll", "hotp", "--user", user, "--secret-file", hex_file});
    if (started.exit_code != 0) fail_msg("enroll hotp: %s", started.err.c_str());
    auto confirmed = mfactl(on, {"enroll", "confirm", "--user", user, "--code", token_code(0)});
    if (confirmed.exit_code != 0) fail_msg("confirm: %s", confirmed.err.c_str());
}

std::string postgresql_section(const std::string& conninfo, bool use_it) {
    return std::string("store:\n") + (use_it ? "  backend: postgresql\n" : "") + "  postgresql:\n    conninfo: \"" +
           conninfo + "\"\n";
}

int count_of(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace mfa::test
