// policy.exempt_groups and policy.require_groups against a real mfad whose
// NSS (nss_wrapper) holds the groups: who is asked for a second factor, the
// audit row of each skip, and how long a membership is remembered.
#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

DaemonFixture* fx = nullptr;

int start(void**) {
    fx = new DaemonFixture({.extra_yaml = "policy: { exempt_groups: [t-breakglass], require_groups: [t-staff, t-ops], group_cache: 60s }\n",
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
        cmocka_unit_test(a_membership_is_remembered_for_group_cache),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
