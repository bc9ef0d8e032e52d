// mfactl admin unlock/reset and audit verify against a real mfad; the chain
// is tampered with through the database's own CLI, as an intruder would.
#include <nlohmann/json.hpp>

#include "cmocka.hpp"
#include "suite_daemon.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

int start_daemon(void**) {
    return start_suite_daemon({.extra_yaml = "lockout: { max_failures: 2, duration: 1h }\n"});
}

void lock(const std::string& user) {
    LoginClient client(suite_daemon().socket());
    assert_true(client.begin(user) == MessageType::step);
    assert_true(client.answer("000000") == MessageType::step);
    assert_true(client.answer("000000") == MessageType::locked);
}

void unlock_lets_a_locked_user_in(void**) {
    auto secret = enroll_user(suite_daemon().socket(), "kim");
    lock("kim");
    auto locked = suite_mfactl({"--json", "status", "--user", "kim"});
    assert_contains(locked.out, "\"locked_until\":\"");

    auto unlocked = suite_mfactl({"admin", "unlock", "--user", "kim", "--reason", "ticket 4711"});
    assert_int_equal(unlocked.exit_code, 0);
    assert_str_eq(unlocked.out, "kim: unlocked\n");
    assert_str_eq(suite_mfactl({"admin", "unlock", "--user", "kim"}).out, "kim: was not locked\n");
    LoginClient client(suite_daemon().socket());
    assert_true(client.begin("kim") == MessageType::step);
    assert_true(client.answer(oathtool_code(secret, unix_now())) == MessageType::allow);
    assert_contains(suite_daemon().log(), "MFA_EVENT=unlock MFA_USER=kim MFA_RESULT=ok");
}

void reset_makes_the_next_login_enroll(void**) {
    enroll_user(suite_daemon().socket(), "lea");
    auto reset = suite_mfactl({"--json", "admin", "reset", "--user", "lea", "--reason", "lost phone, ticket 4712"});
    assert_int_equal(reset.exit_code, 0);
    assert_contains(reset.out, "\"action\":\"reset\"");
    LoginClient client(suite_daemon().socket());
    assert_true(client.begin("lea") == MessageType::not_enrolled);
    assert_int_equal(suite_mfactl({"enroll", "totp", "--user", "lea"}).exit_code, 0);  // enrolling again works

    auto missing = suite_mfactl({"admin", "reset", "--user", "nobody-known"});
    assert_int_equal(missing.exit_code, 1);
    assert_contains(missing.err, "no such user");
    assert_int_equal(suite_mfactl({"admin", "reset"}).exit_code, 2);  // --user is required
}

// A login begun before a reset must not be finished by a code of the new
// factor: the answer is checked against the factor BEGIN saw.
void a_reset_voids_a_login_begun_before_it(void**) {
    enroll_user(suite_daemon().socket(), "noa");
    LoginClient before(suite_daemon().socket());
    assert_true(before.begin("noa") == MessageType::step);
    assert_int_equal(suite_mfactl({"admin", "reset", "--user", "noa", "--reason", "test"}).exit_code, 0);
    auto secret = enroll_user(suite_daemon().socket(), "noa");
    auto code = oathtool_code(secret, unix_now());
    // Denied for good (never NOT_ENROLLED, which nullok would turn into a way in).
    assert_true(before.answer(code) == MessageType::deny);
    assert_contains(before.last_message(), "changed during this login");
    LoginClient after(suite_daemon().socket());  // the code was not spent: a fresh login takes it
    assert_true(after.begin("noa") == MessageType::step);
    assert_true(after.answer(code) == MessageType::allow);
}

std::size_t lines_of(const std::string& text) {
    std::size_t n = 0;
    for (char c : text) n += c == '\n';
    return n;
}

void audit_list_filters_and_pages(void**) {
    // 60 more rows for kim: several pages of the 4 KiB frames.
    for (int i = 0; i < 60; ++i) assert_int_equal(suite_mfactl({"admin", "unlock", "--user", "kim"}).exit_code, 0);
    auto expected = suite_daemon().sql("SELECT count(*) FROM audit WHERE \"user\" = 'kim'");
    auto all = suite_mfactl({"--json", "audit", "list", "--user", "kim"});
    assert_int_equal(all.exit_code, 0);
    auto rows = nlohmann::json::parse(all.out).at("rows");
    assert_int_equal(rows.size(), std::stoul(expected.out));
    assert_true(rows.size() > 60);
    for (std::size_t i = 1; i < rows.size(); ++i) assert_true(rows[i].at("id") > rows[i - 1].at("id"));
    assert_str_eq(rows[0].at("event").get<std::string>(), "enroll_start");

    auto lockouts = suite_mfactl({"audit", "list", "--user", "kim", "--event", "lockout"});
    assert_int_equal(lockouts.exit_code, 0);
    assert_int_equal(lines_of(lockouts.out), 1);
    assert_contains(lockouts.out, "  lockout  kim  locked  uid=0  service=test  rhost=192.0.2.7  detail=until=");
    assert_contains(suite_mfactl({"audit", "list", "--event", "unlock"}).out, "detail=reason=ticket 4711");

    assert_str_eq(suite_mfactl({"audit", "list", "--since", "2099-01-01"}).out, "");
    assert_int_equal(lines_of(suite_mfactl({"audit", "list", "--user", "kim", "--since", "1h"}).out), rows.size());
    auto bad = suite_mfactl({"audit", "list", "--since", "yesterday"});
    assert_int_equal(bad.exit_code, 1);
    assert_contains(bad.err, "--since: use");
}

void audit_verify_catches_edits_and_deletions(void**) {
    auto intact = suite_mfactl({"audit", "verify"});
    assert_int_equal(intact.exit_code, 0);
    assert_contains(intact.out, "audit chain intact: ");
    assert_int_equal(suite_daemon().sql("UPDATE audit SET result = 'ok' WHERE id = 3").exit_code, 0);
    auto edited = suite_mfactl({"audit", "verify"});
    assert_int_equal(edited.exit_code, 1);
    assert_contains(edited.err, "audit chain broken at row 3: its contents were changed");

    assert_int_equal(suite_daemon().sql("UPDATE audit SET result = (SELECT 'fail') WHERE id = 3").exit_code, 0);
    assert_int_equal(suite_daemon().sql("DELETE FROM audit WHERE id = 5").exit_code, 0);
    auto deleted = suite_mfactl({"audit", "verify"});
    assert_int_equal(deleted.exit_code, 1);
    // Rows 1-5 are kim's enroll, confirm, two failures and the lockout; 6 follows the gap.
    assert_contains(deleted.err, "audit chain broken at row 6: rows are missing before it");
}

// The newest rows deleted: the chain alone would still hold; the sealed head does not.
void audit_verify_catches_the_newest_rows_deleted(void**) {
    DaemonFixture fresh;
    assert_true(fresh.start());
    enroll_user(fresh.socket(), "max");  // rows 1 and 2
    for (int i = 0; i < 2; ++i) {       // rows 3 and 4
        LoginClient client(fresh.socket());
        assert_true(client.begin("max") == MessageType::step);
        assert_true(client.answer("000000") == MessageType::step);
    }
    auto mfactl = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {MFACTL_BIN, "--socket", fresh.socket()});
        return run(args);
    };
    assert_int_equal(mfactl({"audit", "verify"}).exit_code, 0);
    assert_int_equal(fresh.sql("DELETE FROM audit WHERE id >= 3").exit_code, 0);
    auto verified = mfactl({"audit", "verify"});
    assert_int_equal(verified.exit_code, 1);
    assert_contains(verified.err, "audit chain broken at row 3: it and the rows up to 4 were deleted");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(unlock_lets_a_locked_user_in),
        cmocka_unit_test(reset_makes_the_next_login_enroll),
        cmocka_unit_test(a_reset_voids_a_login_begun_before_it),
        cmocka_unit_test(audit_list_filters_and_pages),
        cmocka_unit_test(audit_verify_catches_edits_and_deletions),
        cmocka_unit_test(audit_verify_catches_the_newest_rows_deleted),
    };
    return cmocka_run_group_tests(tests, start_daemon, stop_suite_daemon);
}
