// The commands people type: mfad's flags and mfactl ping, with their exit codes
// (0 ok, 1 refused or failed, 2 usage).
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "mfa/version.hpp"
#include "store/sqlite_store.hpp"

using namespace mfa::test;

namespace {

void mfad_version_and_usage(void**) {
    auto version = run({MFAD_BIN, "--version"});
    assert_int_equal(version.exit_code, 0);
    assert_str_eq(version.out, std::string("mfad ") + mfa::kVersion + "\n");
    auto bogus = run({MFAD_BIN, "--bogus"});
    assert_int_equal(bogus.exit_code, 2);
    assert_contains(bogus.err, "--bogus");
}

void mfad_check_config(void**) {
    TempDir dir;
    auto good = run({MFAD_BIN, "--check-config", "--config", dir.write("good.yaml", "lockout: { duration: 15m }\n")});
    assert_int_equal(good.exit_code, 0);
    assert_str_eq(good.out, "ok\n");
    std::string bad_path = dir.write("bad.yaml", "issuer: x\nlockout:\n  duration: forever\n");
    auto bad = run({MFAD_BIN, "--check-config", "--config", bad_path});
    assert_int_equal(bad.exit_code, 1);
    assert_str_eq(bad.err, bad_path + ":3: lockout.duration: must be a duration like 30s, 5m or 1h (got \"forever\")\n");
    auto missing = run({MFAD_BIN, "--check-config", "--config", dir.file("none.yaml")});
    assert_int_equal(missing.exit_code, 1);
    assert_contains(missing.err, "cannot read");
}

void mfad_generate_key(void**) {
    TempDir dir;
    auto made = run({MFAD_BIN, "--generate-key", dir.file("k")});
    assert_int_equal(made.exit_code, 0);
    struct stat st{};
    assert_int_equal(stat(dir.file("k").c_str(), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 32);
    auto again = run({MFAD_BIN, "--generate-key", dir.file("k")});
    assert_int_equal(again.exit_code, 1);
    assert_contains(again.err, "refusing to overwrite");
}

void mfactl_ping(void**) {
    DaemonFixture d;
    assert_true(d.start());
    auto text = run({MFACTL_BIN, "--socket", d.socket(), "ping"});
    assert_int_equal(text.exit_code, 0);
    assert_contains(text.out, std::string("mfad ") + mfa::kVersion + " (protocol 1, schema " +
                                  std::to_string(mfa::daemon::latest_schema_version()));
    assert_contains(text.out, "round trip");

    auto json = run({MFACTL_BIN, "--socket", d.socket(), "--json", "ping"});
    assert_int_equal(json.exit_code, 0);
    auto parsed = nlohmann::json::parse(json.out);
    assert_str_eq(parsed.at("version").get<std::string>(), mfa::kVersion);
    assert_int_equal(parsed.at("schema_version").get<int>(), mfa::daemon::latest_schema_version());
    assert_true(parsed.at("rtt_ms").get<double>() > 0);
}

void mfactl_failures_and_usage(void**) {
    TempDir dir;
    auto down = run({MFACTL_BIN, "--socket", dir.file("nobody.sock"), "ping"});
    assert_int_equal(down.exit_code, 1);
    assert_contains(down.err, "mfactl: ");
    assert_contains(down.err, "No such file");
    assert_str_eq(down.out, "");

    assert_int_equal(run({MFACTL_BIN}).exit_code, 2);
    assert_int_equal(run({MFACTL_BIN, "frobnicate"}).exit_code, 2);
    assert_int_equal(run({MFACTL_BIN, "ping", "--bogus"}).exit_code, 2);
    assert_int_equal(run({MFACTL_BIN, "--help"}).exit_code, 0);
}

void mfactl_refuses_a_socket_of_another_user(void**) {
    DaemonFixture d;
    assert_true(d.start());
    // Someone else's socket could be an impostor collecting what we send.
    assert_int_equal(chown(d.socket().c_str(), 4242, 4242), 0);
    auto refused = run({MFACTL_BIN, "--socket", d.socket(), "ping"});
    assert_int_equal(refused.exit_code, 1);
    assert_contains(refused.err, "owned by uid 4242");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(mfad_version_and_usage), cmocka_unit_test(mfad_check_config),
        cmocka_unit_test(mfad_generate_key),      cmocka_unit_test(mfactl_ping),
        cmocka_unit_test(mfactl_failures_and_usage), cmocka_unit_test(mfactl_refuses_a_socket_of_another_user),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
