// Push approval through pam_mfa.so and real libpam (pam_wrapper), with the
// command provider: the module is only a terminal, so the menu, the number
// and "press Enter" come from mfad; the program's answers each give their
// verdict, and one still running at push.timeout is killed and expired.
#include <security/pam_appl.h>
#include <signal.h>

#include <cerrno>

#include <thread>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "pam_call.hpp"

using namespace mfa::test;

namespace {

struct PushDaemon {
    explicit PushDaemon(const std::string& timeout, const std::string& more = "") {
        scratch.write("push.mode", "approve\n");
        DaemonOptions options;
        options.extra_yaml = "push:\n  provider: command\n  command: [\"" + std::string(PUSH_COMMAND) + "\", \"" +
                             scratch.path() + "\"]\n  timeout: " + timeout + "\n" + more;
        options.sender = true;
        fx = std::make_unique<DaemonFixture>(options);
        if (!fx->start()) fail_msg("did not start: %s", fx->log().c_str());
    }
    void mode(const std::string& m) { scratch.write("push.mode", m + "\n"); }
    std::vector<std::string> args() const { return {"socket=" + fx->socket(), "tries=3"}; }
    // An authenticator (the primary) and a push phone named pixel8; the authenticator's secret.
    std::string enroll(const std::string& user) {
        std::string secret = enroll_user(fx->socket(), user);
        mode("approve");
        auto done = run({MFACTL_BIN, "--socket", fx->socket(), "enroll", "push", "--user", user, "--device", "dev-" + user,
                         "--name", "pixel8"});
        if (done.exit_code != 0) fail_msg("enroll push: %s", done.err.c_str());
        return secret;
    }
    // Is the program's last run (its pid, kept by push_command.sh) gone? Waits up to 2 s.
    bool program_gone() {
        pid_t pid = static_cast<pid_t>(std::stol(read_file(scratch.file("push.pid"))));
        for (int i = 0; i < 100 && kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return kill(pid, 0) != 0 && errno == ESRCH;
    }
    std::string audit(const std::string& event) {
        return run({"sqlite3", fx->dir().file("state/mfad.db"),
                    "SELECT result || ' ' || detail FROM audit WHERE event = '" + event + "' ORDER BY id"})
            .out;
    }
    TempDir scratch;
    std::unique_ptr<DaemonFixture> fx;
};

void approved_on_the_phone_then_enter(void**) {
    PushDaemon d("20s");
    d.enroll("alice");
    auto call = call_pam_mfa("alice", d.args(), {"2", ""});
    if (call.rc != PAM_SUCCESS) fail_msg("rc %d: %s / %s", call.rc, call.infos.c_str(), call.errors.c_str());
    assert_contains(call.infos, "  2) push to \"pixel8\"\n");
    int number = number_to_pick(call.infos);
    assert_true(number != 0);
    assert_contains(call.infos, "Approve the request on \"pixel8\". Pick ");
    // The program got the number shown, and who logs in where.
    std::string challenge = read_file(d.scratch.file("push.challenge"));
    assert_contains(challenge, "\"number\":" + std::to_string(number));
    assert_contains(challenge, "\"user\":\"alice\"");
    assert_contains(challenge, "\"device\":\"dev-alice\"");
    // "Press Enter" is echoed: Enter at a hidden prompt means giving up to the module.
    assert_contains(call.prompt_texts, "Press Enter once approved (before that: back to the menu): |echo\n");
    assert_contains(d.audit("push_approved"), "ok factor=pixel8 correlation=");
    // A program that gives no number did no matching: refused.
    d.mode("silent");
    assert_int_equal(call_pam_mfa("alice", d.args(), {"2", ""}).rc, PAM_AUTH_ERR);
    assert_contains(d.audit("push_denied"), "reason=no_number");
}

void enter_while_waiting_goes_back_to_the_menu(void**) {
    PushDaemon d("20s");
    std::string secret = d.enroll("bob");
    d.mode("wait");
    auto call = call_pam_mfa("bob", d.args(), {"2", "", "1", oathtool_code(secret, unix_now())});
    if (call.rc != PAM_SUCCESS) fail_msg("rc %d: %s / %s", call.rc, call.infos.c_str(), call.errors.c_str());
    assert_contains(call.errors, "The push request was cancelled.");
    assert_int_equal(call.prompts, 4);
    // The program was killed when mfad stopped waiting, well before push.timeout.
    assert_true(d.program_gone());
    assert_contains(d.audit("push_expired"), "cancelled factor=pixel8");
}

void each_answer_of_the_program_gives_its_verdict(void**) {
    PushDaemon d("20s", "  max_unanswered: 10\n");
    d.enroll("carol");
    d.mode("deny");
    auto denied = call_pam_mfa("carol", d.args(), {"2", ""});
    assert_int_equal(denied.rc, PAM_AUTH_ERR);
    assert_contains(denied.errors, "The request was denied on the phone.");
    d.mode("wrong");
    assert_int_equal(call_pam_mfa("carol", d.args(), {"2", ""}).rc, PAM_AUTH_ERR);
    assert_contains(d.audit("push_denied"), "reason=wrong_number");
    // Output that is not an answer, or a failing program: back to the menu, nothing counted; "expired" likewise.
    for (const auto& [mode, said] : {std::pair<std::string, std::string>{"babble", "The push request failed"},
                                     {"fail", "The push request failed"},
                                     {"expire", "No answer came from the phone in time."}}) {
        d.mode(mode);
        auto call = call_pam_mfa("carol", d.args(), {"2", ""});  // then no answer at the menu
        assert_int_not_equal(call.rc, PAM_SUCCESS);
        assert_contains(call.errors, said);
        assert_contains(call.prompt_texts, "Choose 1-2 (Enter: 1), or type a code: |echo\nPress Enter once approved (before that: back to the menu): |echo\nChoose");
    }
    assert_contains(d.audit("push_failed"), "reason=the program exited with status 3");
    // "Not me" locks the account.
    d.mode("notme");
    auto fraud = call_pam_mfa("carol", d.args(), {"2", ""});
    assert_int_equal(fraud.rc, PAM_AUTH_ERR);
    assert_contains(fraud.errors, "locked");
    assert_contains(d.audit("push_fraud_reported"), "locked factor=pixel8");
}

void a_program_still_running_at_the_timeout_is_killed_and_the_push_expires(void**) {
    PushDaemon d("2s");
    std::string secret = d.enroll("dave");
    d.mode("wait");
    auto call = call_pam_mfa("dave", d.args(), {"2", "", "1", oathtool_code(secret, unix_now())}, 0, "pam_sm_authenticate",
                             [&] {
                                 // At "press Enter": let the 2 s pass, so the program is killed first.
                                 static int prompt = 0;
                                 if (++prompt == 2) std::this_thread::sleep_for(std::chrono::milliseconds(3500));
                             });
    if (call.rc != PAM_SUCCESS) fail_msg("rc %d: %s", call.rc, call.errors.c_str());
    assert_contains(call.errors, "No answer came from the phone in time.");
    assert_contains(d.audit("push_expired"), "expired factor=pixel8");
    assert_true(d.program_gone());
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(approved_on_the_phone_then_enter),
        cmocka_unit_test(enter_while_waiting_goes_back_to_the_menu),
        cmocka_unit_test(each_answer_of_the_program_gives_its_verdict),
        cmocka_unit_test(a_program_still_running_at_the_timeout_is_killed_and_the_push_expires),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
