// policy.exempt_groups, policy.require_groups and policy.trusted_networks
// against a real mfad whose NSS (nss_wrapper) holds the groups: who is asked
// for a second factor, the audit row of each skip, and how long a membership
// is remembered.
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <security/pam_appl.h>
#include <unistd.h>


#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"
#include "pam_call.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

DaemonFixture* fx = nullptr;

int start(void**) {
    fx = new DaemonFixture({.extra_yaml = "policy:\n  exempt_groups: [t-breakglass]\n  require_groups: [t-staff, t-ops]\n  group_cache: 60s\n"
                                           "  trusted_networks: [{ cidr: 203.0.113.0/24, services: [sshd] },"
                                           " { cidr: 198.51.100.0/24, services: [mfa] },"
                                           " { cidr: \"2001:db8:5::/48\", services: [mfa] }]\n",
                            .users = {"glass", "staffer", "outsider"},
                            .groups = {"t-breakglass:x:30001:glass", "t-staff:x:30002:staffer,glass", "t-ops:x:30003:"},
                            .fake_clock = true});
    return fx->start() ? 0 : -1;
}

int stop(void**) {
    delete fx;
    return 0;
}

std::string audit(const std::string& user) {
    return run({MFACTL_BIN, "--socket", fx->socket(), "audit", "list", "--user", user}).out;
}

void members_of_a_required_group_are_asked(void**) {
    enroll_user(fx->socket(), "staffer");
    LoginClient login(fx->socket());
    auto reply = login.begin("staffer");
    if (reply != MessageType::step)
        fail_msg("reply %d: %s %s", reply ? static_cast<int>(*reply) : -1, login.last_message().c_str(), login.last_error().c_str());
}

void an_exempt_group_skips_the_second_factor_and_is_audited(void**) {
    LoginClient login(fx->socket());
    assert_true(login.begin("glass") == MessageType::exempt);
    assert_contains(login.last_message(), "members of t-breakglass");
    auto rows = audit("glass");
    assert_contains(rows, "exempt_group  glass  ok");
    assert_contains(rows, "detail=group=t-breakglass");
}

void outside_every_required_group_no_factor_is_asked(void**) {
    LoginClient login(fx->socket());
    assert_true(login.begin("outsider") == MessageType::exempt);
    assert_contains(audit("outsider"), "not_required  outsider  ok");
}

void a_login_from_a_trusted_network_skips_the_second_factor_and_is_audited(void**) {
    LoginClient trusted(fx->socket());
    assert_true(trusted.begin_from("staffer", "sshd", "203.0.113.5") == MessageType::exempt);
    assert_contains(trusted.last_message(), "from this network");
    auto rows = audit("staffer");
    assert_contains(rows, "trusted_network  staffer  ok");
    assert_contains(rows, "detail=network=203.0.113.0/24");
    // Outside the network, to another service, from a name or a console: asked.
    const char* asked[][2] = {{"sshd", "203.0.114.5"}, {"su", "203.0.113.5"}, {"sshd", ""}, {"sshd", "gw.example.com"}};
    for (const auto& [service, rhost] : asked) {
        LoginClient login(fx->socket());
        if (login.begin_from("staffer", service, rhost) != MessageType::step)
            fail_msg("%s from \"%s\" was not asked for a code", service, rhost);
    }
}

// PAM_RHOST from a process the user runs is the user's to choose: it trusts nothing.
void a_trusted_rhost_from_an_unprivileged_peer_is_not_believed(void**) {
    uid_t uid = fx->uid_of("staffer");
    chmod(fx->dir().path().c_str(), 0711);  // the socket is in the private dir
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, nullptr) != 0 || setgid(20000) != 0 || setuid(uid) != 0) _exit(3);
        LoginClient login(fx->socket());
        auto reply = login.begin_from("staffer", "sshd", "203.0.113.5");
        _exit(reply == MessageType::step ? 0 : reply == MessageType::exempt ? 1 : 2);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    chmod(fx->dir().path().c_str(), 0700);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

// The same rules through pam_mfa.so and libpam (pam_wrapper, service "mfa"):
// every skip is PAM_IGNORE with the reason shown, and no prompt.
PamCall through_pam(const std::string& user, const std::string& rhost) {
    // An empty answer gives up: nothing is counted toward the lock.
    return run_pam_mfa(user, PamScript{{"socket=" + fx->socket(), "tries=1"}, 0, "ssh",
                                       [](const PamCall&, const std::string&) { return std::string(); }, rhost});
}

void each_rule_through_pam(void**) {
    auto glass = through_pam("glass", "");
    assert_int_equal(glass.rc, PAM_IGNORE);
    assert_int_equal(glass.prompts, 0);
    assert_contains(glass.infos, "members of t-breakglass");
    auto outsider = through_pam("outsider", "");
    assert_int_equal(outsider.rc, PAM_IGNORE);
    assert_contains(outsider.infos, "No second factor is required");
    auto trusted = through_pam("staffer", "198.51.100.7");
    assert_int_equal(trusted.rc, PAM_IGNORE);
    assert_int_equal(trusted.prompts, 0);
    assert_contains(trusted.infos, "from this network");
    assert_contains(audit("staffer"), "detail=network=198.51.100.0/24");
    // Outside the network, from a name, or from a console: asked.
    for (const char* rhost : {"198.51.101.7", "host.example.net", ""}) {
        auto asked = through_pam("staffer", rhost);
        if (asked.prompts != 1 || asked.rc == PAM_IGNORE) fail_msg("from \"%s\": rc %d, %d prompts", rhost, asked.rc, asked.prompts);
    }
    assert_int_equal(through_pam("staffer", "2001:db8::7").prompts, 1);  // IPv6 outside every rule
    assert_int_equal(through_pam("staffer", "2001:db8:5::9").rc, PAM_IGNORE);
    assert_contains(audit("staffer"), "detail=network=2001:db8:5::/48");
}

void a_membership_is_remembered_for_group_cache(void**) {
    std::string groups = read_file(fx->dir().file("group"));
    auto at = groups.find("t-breakglass:x:30001:glass");
    groups.replace(at, std::string("t-breakglass:x:30001:glass").size(), "t-breakglass:x:30001:");
    fx->dir().write("group", groups);
    LoginClient cached(fx->socket());
    assert_true(cached.begin("glass") == MessageType::exempt);  // NSS is not asked again yet
    fx->shift_clock(61);
    LoginClient fresh(fx->socket());
    assert_true(fresh.begin("glass") == MessageType::not_enrolled);  // in t-staff, no longer exempt, not enrolled
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(members_of_a_required_group_are_asked),
        cmocka_unit_test(an_exempt_group_skips_the_second_factor_and_is_audited),
        cmocka_unit_test(outside_every_required_group_no_factor_is_asked),
        cmocka_unit_test(a_login_from_a_trusted_network_skips_the_second_factor_and_is_audited),
        cmocka_unit_test(a_trusted_rhost_from_an_unprivileged_peer_is_not_believed),
        cmocka_unit_test(each_rule_through_pam),
        cmocka_unit_test(a_membership_is_remembered_for_group_cache),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
