// forward_pass through real libpam (pam_wrapper): one prompt for password and
// code, a password module (pam_exec) that reads PAM_AUTHTOK, and pam_mfa.so
// after it sending the code. A wrong password never spends the code; a stack
// that forgets the checking line is refused at pam_acct_mgmt.
#include <security/pam_appl.h>
#include <sys/stat.h>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "pam_call.hpp"
#include "password_split.hpp"

using namespace mfa::test;

namespace {

DaemonFixture* fixture = nullptr;
std::string secret;

int start(void**) {
    mkdir(MFA_PAM_RUN_DIR, 0755);
    fixture = new DaemonFixture({.config_socket = std::string(MFA_PAM_RUN_DIR) + "/forward.sock",
                                 .users = {"fwd", "fwdnone"}});
    if (!fixture->start()) return -1;
    secret = enroll_user(fixture->socket(), "fwd");
    return 0;
}

int stop(void**) {
    delete fixture;
    return 0;
}

std::string code_now() { return oathtool_code(secret, unix_now()); }

void the_answer_splits_at_the_last_comma_or_the_trailing_digits(void**) {
    using mfa::pam::split_password_and_code;
    auto digits = split_password_and_code("s3cret pass123456", 6);
    assert_true(digits.password == "s3cret pass" && digits.code == "123456");
    auto comma = split_password_and_code("pa,ss,Abcdef1234", 6);
    assert_true(comma.password == "pa,ss" && comma.code == "Abcdef1234");
    auto eight = split_password_and_code("pw12345678", 8);
    assert_true(eight.password == "pw" && eight.code == "12345678");
    auto none = split_password_and_code("just a password", 6);
    assert_true(none.password == "just a password" && none.code.empty());
    auto empty_code = split_password_and_code("pass123456,", 6);  // no factor: a comma ends the password
    assert_true(empty_code.password == "pass123456" && empty_code.code.empty());
    auto short_answer = split_password_and_code("12345", 6);
    assert_true(short_answer.password == "12345" && short_answer.code.empty());
}

void one_prompt_then_the_password_then_the_code(void**) {
    auto run = run_pam_stack("mfa_forward", "fwd", {"s3cret pass" + code_now()});
    assert_int_equal(run.auth, PAM_SUCCESS);
    assert_int_equal(run.shown.prompts, 1);
    assert_string_equal(run.shown.prompt_texts.c_str(), "Password and code: |hidden\n");
    assert_int_equal(run.account, PAM_SUCCESS);
}

void a_wrong_password_never_spends_the_code(void**) {
    std::string code = oathtool_code(secret, unix_now() + 30);  // unused so far
    auto wrong = run_pam_stack("mfa_forward", "fwd", {"guess" + code});
    assert_int_equal(wrong.auth, PAM_SYSTEM_ERR);  // pam_exec's word for a failed check
    auto rows = run({MFACTL_BIN, "--socket", fixture->socket(), "audit", "list", "--user", "fwd"}).out;
    auto fails = std::count(rows.begin(), rows.end(), '\n');
    // mfad never heard of it: the same code still logs in with the right password.
    auto right = run_pam_stack("mfa_forward", "fwd", {"s3cret pass," + code});
    assert_int_equal(right.auth, PAM_SUCCESS);
    auto after = run({MFACTL_BIN, "--socket", fixture->socket(), "audit", "list", "--user", "fwd"}).out;
    assert_int_equal(std::count(after.begin(), after.end(), '\n'), fails + 1);  // one row: the success
    assert_true(after.find("verify_fail") == std::string::npos);
    // And it is spent now.
    assert_int_equal(run_pam_stack("mfa_forward", "fwd", {"s3cret pass," + code}).auth, PAM_AUTH_ERR);
}

void a_wrong_or_missing_code_fails_without_a_second_prompt(void**) {
    auto wrong = run_pam_stack("mfa_forward", "fwd", {"s3cret pass000000"});
    assert_int_equal(wrong.auth, PAM_AUTH_ERR);
    assert_int_equal(wrong.shown.prompts, 1);
    auto missing = run_pam_stack("mfa_forward", "fwd", {"s3cret pass"});
    assert_int_equal(missing.auth, PAM_AUTH_ERR);
    assert_int_equal(missing.shown.prompts, 1);
    assert_contains(missing.shown.errors, "Type your code after the password");
    auto backup = new_backup_codes(fixture->socket(), "fwd");
    auto with_backup = run_pam_stack("mfa_forward", "fwd", {"s3cret pass," + backup[0]});
    assert_int_equal(with_backup.auth, PAM_SUCCESS);
}

void a_user_without_a_factor_types_the_password_alone(void**) {
    assert_int_equal(run_pam_stack("mfa_forward", "fwdnone", {"s3cret pass"}).auth, PAM_SUCCESS);  // nullok
    assert_int_equal(run_pam_stack("mfa_forward", "fwdnone", {"wrong"}).auth, PAM_SYSTEM_ERR);
}

// Without the checking line nothing sends the code: pam_authenticate passes
// on the password, and pam_acct_mgmt (which sshd, login, su and sudo call) refuses.
void a_stack_without_the_checking_line_is_refused(void**) {
    auto run = run_pam_stack("mfa_forward_forgotten", "fwd", {"s3cret pass" + code_now()});
    assert_int_equal(run.auth, PAM_SUCCESS);
    assert_int_equal(run.account, PAM_PERM_DENIED);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_answer_splits_at_the_last_comma_or_the_trailing_digits),
        cmocka_unit_test(one_prompt_then_the_password_then_the_code),
        cmocka_unit_test(a_wrong_password_never_spends_the_code),
        cmocka_unit_test(a_wrong_or_missing_code_fails_without_a_second_prompt),
        cmocka_unit_test(a_user_without_a_factor_types_the_password_alone),
        cmocka_unit_test(a_stack_without_the_checking_line_is_refused),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
