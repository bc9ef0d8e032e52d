// Enrollment at login through pam_mfa.so and real libpam (pam_wrapper): the
// conversation reads the secret (or decodes the QR code) from what it was
// shown and answers with oathtool's code. The grace period moves with
// libfaketime, never with sleeps.
#include <security/pam_appl.h>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"
#include "mfa/utc_time.hpp"
#include "pam_call.hpp"
#include "qr_image.hpp"

using namespace mfa::test;

namespace {

constexpr long kDay = 86400;

DaemonFixture* fixture = nullptr;
long shifted = 0;  // how far mfad's clock was moved

int start(void**) {
    fixture = new DaemonFixture({.extra_yaml = "enrollment: { grace: 14d }\nissuer: \"Example Corp\"\n",
                                 .users = {"newbie", "clumsy", "later", "quiet", "cronjob", "late", "old", "twice", "wiped"},
                                 .fake_clock = true});
    return fixture->start() ? 0 : -1;
}

int stop(void**) {
    delete fixture;
    return 0;
}

std::string mfad_now_code(const std::string& secret) { return oathtool_code(secret, unix_now() + shifted); }

std::string field(const std::string& text, const std::string& label) {
    auto at = text.rfind(label);
    if (at == std::string::npos) return {};
    auto end = text.find('\n', at);
    return text.substr(at + label.size(), end - at - label.size());
}

std::vector<std::string> base_args() { return {"socket=" + fixture->socket(), "tries=3"}; }

// Answers like a person with an authenticator app: the code for the secret shown.
PamScript enrolling(std::vector<std::string> args = base_args(), std::string backup_answer = "y") {
    return PamScript{std::move(args), 0, "ssh", [backup_answer](const PamCall& seen, const std::string& prompt) {
                         if (prompt.find("Code from the app") != std::string::npos)
                             return mfad_now_code(field(seen.infos, "Secret: "));
                         if (prompt.find("[Y/n]") != std::string::npos) return backup_answer;
                         return std::string();
                     }};
}

std::string mfactl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {MFACTL_BIN, "--socket", fixture->socket()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv).out;
}

int login_with_code(const std::string& user, const std::string& code) {
    return call_pam_mfa(user, base_args(), {code}).rc;
}

void a_new_user_enrolls_at_login_and_gets_backup_codes(void**) {
    auto call = run_pam_mfa("newbie", enrolling());
    assert_int_equal(call.rc, PAM_SUCCESS);
    assert_contains(call.infos, "put this off for 14 days");
    assert_contains(call.infos, "Backup codes (each works once");
    assert_contains(call.prompt_texts, "Code from the app (Enter: later): |echo");
    // No message is larger than a PAM conversation takes, nor one call.
    assert_true(call.longest_message < PAM_MAX_MSG_SIZE);
    assert_true(call.largest_call <= PAM_MAX_NUM_MSG);

    // The QR code drawn at login decodes to exactly the URI shown under it.
    std::string uri = field(call.infos, "URI: ");
    assert_contains(uri, "otpauth://totp/Example%20Corp:newbie?secret=");
    fixture->dir().write("login-qr.pgm", plain_qr_to_pgm(call.infos));
    assert_str_eq(run({"zbarimg", "--raw", "-q", fixture->dir().file("login-qr.pgm")}).out, uri + "\n");

    // The authenticator is active: the next login takes a new code, and a backup code works.
    auto secret = field(call.infos, "Secret: ");
    assert_int_equal(call_pam_mfa("newbie", base_args(), {oathtool_code(secret, unix_now() + shifted + 30)}).rc, PAM_SUCCESS);
    auto listed = call.infos.find("\n  ", call.infos.find("Backup codes (each works once"));
    assert_true(listed != std::string::npos);
    std::string backup = call.infos.substr(listed + 3, 10);  // the first code of the set
    assert_int_equal(login_with_code("newbie", backup), PAM_SUCCESS);
    auto audit = mfactl({"audit", "list", "--user", "newbie"});
    assert_contains(audit, "enroll_at_login  newbie  ok");
    assert_contains(audit, "backup_codes_generate  newbie  ok");
}

void three_wrong_codes_leave_no_active_factor(void**) {
    PamScript script{base_args(), 0, "ssh", [](const PamCall&, const std::string&) { return std::string("000000"); }};
    auto call = run_pam_mfa("clumsy", script);
    assert_int_equal(call.rc, PAM_MAXTRIES);
    assert_int_equal(call.prompts, 3);
    assert_contains(call.errors, "the authenticator was not set up");
    auto factors = mfactl({"--json", "factors", "--user", "clumsy"});
    assert_contains(factors, "\"state\":\"pending\"");
    assert_true(factors.find("\"state\":\"active\"") == std::string::npos);
    assert_contains(mfactl({"status", "--user", "clumsy"}), "none (not enrolled)");
    assert_contains(mfactl({"status", "--user", "clumsy"}), "failures:         3");  // they count toward the lock
    // A conversation that ends (no answer at all) leaves only a pending factor too.
    assert_int_equal(run_pam_mfa("clumsy", PamScript{base_args(), 0, "ssh", {}}).rc, PAM_CONV_ERR);
    assert_contains(mfactl({"status", "--user", "clumsy"}), "none (not enrolled)");
}

// A second login's enrollment replaces the first's pending authenticator
// with a new row: the first login's code then confirms nothing, so nobody can
// swap the secret under a person about to confirm.
void a_newer_enrollment_voids_the_older_one(void**) {
    LoginClient first(fixture->socket()), second(fixture->socket());
    assert_true(first.begin("twice") == mfa::wire::MessageType::step);
    assert_true(second.begin("twice") == mfa::wire::MessageType::step);
    auto s1 = field(first.last_info(), "Secret: "), s2 = field(second.last_info(), "Secret: ");
    assert_true(s1 != s2);
    assert_true(first.answer(mfad_now_code(s1)) == mfa::wire::MessageType::deny);
    assert_contains(first.last_message(), "could not be confirmed");
    assert_true(second.answer(mfad_now_code(s2)) == mfa::wire::MessageType::step);
    assert_true(second.answer("n") == mfa::wire::MessageType::allow);
}

// The grace is for users who never enrolled: after a reset there is none.
void a_reset_user_gets_no_grace(void**) {
    enroll_user(fixture->socket(), "wiped");
    mfactl({"admin", "reset", "--user", "wiped", "--reason", "test"});
    PamScript skip{base_args(), 0, "ssh", [](const PamCall&, const std::string&) { return std::string(); }};
    auto denied = run_pam_mfa("wiped", skip);
    assert_int_equal(denied.rc, PAM_AUTH_ERR);
    assert_int_equal(denied.prompts, 0);
}

void enter_puts_enrollment_off_within_the_grace(void**) {
    PamScript script{base_args(), 0, "ssh", [](const PamCall&, const std::string&) { return std::string(); }};
    auto call = run_pam_mfa("later", script);
    assert_int_equal(call.rc, PAM_IGNORE);
    assert_contains(call.infos, "14 days left");
    assert_contains(mfactl({"audit", "list", "--user", "later", "--event", "enroll_skipped"}), "reason=user");
    assert_contains(mfactl({"status", "--user", "later"}), "none (not enrolled)");
}

void pam_silent_and_no_terminal_skip_within_the_grace(void**) {
    auto quiet = run_pam_mfa("quiet", PamScript{base_args(), PAM_SILENT, "ssh", {}});
    assert_int_equal(quiet.rc, PAM_IGNORE);
    assert_int_equal(quiet.prompts, 0);
    assert_str_eq(quiet.infos + quiet.errors, "");
    auto cron = run_pam_mfa("cronjob", PamScript{base_args(), 0, "cron", {}});
    assert_int_equal(cron.rc, PAM_IGNORE);
    assert_int_equal(cron.prompts, 0);
    assert_contains(mfactl({"audit", "list", "--user", "quiet", "--event", "enroll_skipped"}), "reason=silent");
    assert_contains(mfactl({"audit", "list", "--user", "cronjob", "--event", "enroll_skipped"}), "reason=no_terminal");
}

// Last: it moves mfad's clock past every grace so far.
void after_the_grace_the_login_is_denied_unless_nullok(void**) {
    PamScript skip{base_args(), 0, "ssh", [](const PamCall&, const std::string&) { return std::string(); }};
    assert_int_equal(run_pam_mfa("late", skip).rc, PAM_IGNORE);  // the grace starts now
    shifted = 14 * kDay + 60;
    fixture->shift_clock(shifted);

    auto denied = run_pam_mfa("late", skip);
    assert_int_equal(denied.rc, PAM_AUTH_ERR);
    assert_int_equal(denied.prompts, 0);
    assert_contains(denied.errors, "The time to set up a second factor ended on");
    auto args = base_args();
    args.push_back("nullok");
    assert_int_equal(run_pam_mfa("late", PamScript{args, 0, "ssh", {}}).rc, PAM_IGNORE);
    assert_int_equal(run_pam_mfa("quiet", PamScript{base_args(), PAM_SILENT, "ssh", {}}).rc, PAM_AUTH_ERR);

    // enforce_enrollment: enrollment at login with no way to put it off.
    auto forced_args = base_args();
    forced_args.push_back("enforce_enrollment");
    auto refused = run_pam_mfa("late", PamScript{forced_args, 0, "ssh", skip.respond});
    assert_int_equal(refused.rc, PAM_MAXTRIES);
    assert_contains(refused.prompt_texts, "Code from the app: |echo");
    assert_contains(refused.errors, "A second factor is required now");
    assert_int_equal(run_pam_mfa("late", enrolling(forced_args, "n")).rc, PAM_SUCCESS);
    assert_contains(mfactl({"factors", "--user", "late"}), "active");

    // An admin's grace opens the way again, and `none` closes it.
    // (--until in mfad's time: its clock runs 14 days ahead of mfactl's.)
    std::string until = mfa::utc_time(unix_now() + shifted + 3 * kDay);
    assert_contains(mfactl({"admin", "grace", "--user", "old", "--until", until}), "may put enrollment at login off");
    assert_int_equal(run_pam_mfa("old", skip).rc, PAM_IGNORE);
    mfactl({"admin", "grace", "--user", "old", "--until", "none"});
    assert_int_equal(run_pam_mfa("old", skip).rc, PAM_IGNORE);  // its own 14 days start at this first login
    assert_contains(mfactl({"audit", "list", "--user", "old", "--event", "grace"}), "grace  old  ok");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_user_enrolls_at_login_and_gets_backup_codes),
        cmocka_unit_test(three_wrong_codes_leave_no_active_factor),
        cmocka_unit_test(a_newer_enrollment_voids_the_older_one),
        cmocka_unit_test(a_reset_user_gets_no_grace),
        cmocka_unit_test(enter_puts_enrollment_off_within_the_grace),
        cmocka_unit_test(pam_silent_and_no_terminal_skip_within_the_grace),
        cmocka_unit_test(after_the_grace_the_login_is_denied_unless_nullok),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
