// The shipped units: systemd-analyze verify is clean, the hardening exposure
// stays at or under 1.5 for mfad and 2.5 for mfad-notify, and sysusers.d
// makes both users.
#include <sys/stat.h>

#include <cstdlib>

#include "cmocka.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

using namespace mfa::test;

namespace {

const std::string kUnits = MFA_TEST_UNIT_DIR;

void units_verify_clean(void**) {
    auto verify = run({"systemd-analyze", "verify", kUnits + "/mfad.socket", kUnits + "/mfad.service",
                       kUnits + "/mfad-notify.socket", kUnits + "/mfad-notify.service"});
    if (verify.exit_code != 0 || !verify.err.empty() || !verify.out.empty())
        fail_msg("systemd-analyze verify (exit %d):\n%s%s", verify.exit_code, verify.out.c_str(), verify.err.c_str());
}

double exposure(const std::string& unit) {
    auto security = run({"systemd-analyze", "security", "--offline=yes", kUnits + "/" + unit});
    std::string label = "Overall exposure level for " + unit + ": ";
    auto at = security.out.find(label);
    if (at == std::string::npos) fail_msg("no exposure figure in:\n%s%s", security.out.c_str(), security.err.c_str());
    double figure = std::strtod(security.out.c_str() + at + label.size(), nullptr);
    print_message("%s exposure %.1f\n", unit.c_str(), figure);
    return figure;
}

// mfad holds the key and no network; mfad-notify has the network and no key.
void exposure_is_within_each_units_limit(void**) {
    assert_true(exposure("mfad.service") <= 1.5);
    assert_true(exposure("mfad-notify.service") <= 2.5);
}

void sysusers_creates_the_mfad_user(void**) {
    TempDir root;
    assert_int_equal(mkdir(root.file("etc").c_str(), 0755), 0);
    auto made = run({"systemd-sysusers", "--root=" + root.path(), MFA_SYSUSERS_CONF});
    assert_int_equal(made.exit_code, 0);
    auto passwd = read_file(root.file("etc/passwd"));
    assert_contains(passwd, "mfad:x:");
    assert_contains(passwd, ":/var/lib/mfad:/usr/sbin/nologin");
    assert_contains(passwd, "mfad-notify:x:");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {cmocka_unit_test(units_verify_clean), cmocka_unit_test(exposure_is_within_each_units_limit),
                                cmocka_unit_test(sysusers_creates_the_mfad_user)};
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
