#include "suite_daemon.hpp"

#include <memory>

#include "cmocka.hpp"

namespace mfa::test {
namespace {

std::unique_ptr<DaemonFixture>& slot() {
    static std::unique_ptr<DaemonFixture> daemon;
    return daemon;
}

}  // namespace

int start_suite_daemon(DaemonOptions options) {
    slot() = std::make_unique<DaemonFixture>(std::move(options));
    return slot()->start() ? 0 : -1;
}

int stop_suite_daemon(void**) {
    slot().reset();
    return 0;
}

DaemonFixture& suite_daemon() { return *slot(); }

Finished suite_mfactl(std::vector<std::string> args) {
    args.insert(args.begin(), {MFACTL_BIN, "--socket", suite_daemon().socket()});
    return run(args);
}

std::string suite_sql(const std::string& query) {
    auto out = suite_daemon().sql(query);
    if (out.exit_code != 0) fail_msg("%s: %s", query.c_str(), out.err.c_str());
    return out.out;
}

}  // namespace mfa::test
