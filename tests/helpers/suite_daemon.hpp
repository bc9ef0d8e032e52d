// One mfad shared by the tests of a cmocka group: the group setup starts it,
// the teardown stops it, and the tests reach it through these calls.
#pragma once

#include <string>
#include <vector>

#include "daemon_fixture.hpp"

namespace mfa::test {

// For a group setup: 0 once the daemon answers, -1 if it did not start.
int start_suite_daemon(DaemonOptions options);
int stop_suite_daemon(void**);

DaemonFixture& suite_daemon();

// mfactl --socket <the suite daemon's> args...
Finished suite_mfactl(std::vector<std::string> args);

// sqlite3 on the suite daemon's database: the query's output, or a test failure.
std::string suite_sql(const std::string& query);

}  // namespace mfa::test
