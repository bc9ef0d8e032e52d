// The shipped units: systemd-analyze verify is clean, the hardening exposure
// stays at or under 1.5, and sysusers.d makes the mfad user.
#include <sys/stat.h>

#include <cstdlib>

#include "cmocka.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

using namespace mfa::test;

namespace {

const std::string kUnits = MFA_TEST_UNIT_DIR;

void units_verify_clean(void**) {
    auto verify = run({"systemd-analyze", "verify", kUnits + "/mfad.socket", kUnits + "/mfad.service"});
    if (verify.exit_code != 0 || !verify.err.empty() || !verify.out.empty())
        fail_msg("systemd-analyze verify (exit %d):\n%s%s", verify.exit_code, verify.out.c_str(), verify.err.c_str());
}

void exposure_is_at_most_one_and_a_half(void**) {
    auto security = run({"systemd-analyze", "security", "--offline=yes", kUnits + "/mfad.service"});
    auto at = security.out.find("Overall exposure level for mfad.service: ");
    if (at == std::string::npos) fail_msg("no exposure figure in:\n%s%s", security.out.c_str(), security.err.c_str());
    double exposure = std::strtod(security.out.c_str() + at + 41, nullptr);
    print_message("exposure %.1f\n", exposure);
    assert_true(exposure <= 1.5);
}

void sysusers_creates_the_mfad_user(void**) {
    TempDir root;
    assert_int_equal(mkdir(root.file("etc").c_str(), 0755), 0);
    auto made = run({"systemd-sysusers", "--root=" + root.path(), MFA_SYSUSERS_CONF});
    assert_int_equal(made.exit_code, 0);
    auto passwd = read_file(root.file("etc/passwd"));
    assert_contains(passwd, "mfad:x:");
    assert_contains(passwd, ":/var/lib/mfad:/usr/sbin/nologin");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {cmocka_unit_test(units_verify_clean), cmocka_unit_test(exposure_is_at_most_one_and_a_half),
                                cmocka_unit_test(sysusers_creates_the_mfad_user)};
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
