// mfactl admin disable, the help desk's lockout resolution, against a real
// mfad: the dry run leaves the database byte for byte as it was, --commit
// changes everything at once, a second run is a no-op, the audit row says
// who, why and what, and the user then logs in and enrolls again.
#include <nlohmann/json.hpp>

#include "cmocka.hpp"
#include "suite_daemon.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"
#include "mfa/wire/admin_messages.hpp"
#include "mfa/wire/client.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

int start_daemon(void**) {
    return start_suite_daemon({.extra_yaml = "lockout: { max_failures: 2, duration: 1h }\ndisable: { duration: 2h }\n"});
}

std::vector<std::string> disable_args(const std::string& user) {
    return {"admin", "disable", "--user", user, "--ticket", "HD-4711", "--reason", "lost phone, verified by callback",
            "--operator", "helpdesk.jo@example.com", "--verification-method", "with-claim"};
}

// The database and its WAL, byte for byte (on PostgreSQL: every row, dumped).
std::string database_bytes() {
    if (stores_on_postgresql()) return suite_daemon().dump();
    std::string db = suite_daemon().dir().file("state/mfad.db");
    return read_file(db) + "|wal|" + read_file(db + "-wal");
}

// A user with everything a disable removes: authenticator, backup codes, a lock.
void prepare_locked_user(const std::string& user) {
    enroll_user(suite_daemon().socket(), user);
    new_backup_codes(suite_daemon().socket(), user);
    LoginClient client(suite_daemon().socket());
    assert_true(client.begin(user) == MessageType::step);
    assert_true(client.answer("000000") == MessageType::step);
    assert_true(client.answer("000000") == MessageType::locked);
}

void a_dry_run_prints_the_plan_and_changes_nothing(void**) {
    prepare_locked_user("fay");
    auto before = database_bytes();
    auto dry = suite_mfactl(disable_args("fay"));
    assert_int_equal(dry.exit_code, 0);
    assert_contains(dry.out, "DRY RUN: nothing was changed. With --commit, mfad would, for fay:\n");
    assert_contains(dry.out, "  - remove the authenticator app (TOTP)\n");
    assert_contains(dry.out, "  - void 8 unused backup codes\n");
    assert_contains(dry.out, "  - clear the lock\n");
    assert_contains(dry.out, "  - let fay log in without a second factor until ");
    auto json = nlohmann::json::parse(suite_mfactl([] {
        auto args = disable_args("fay");
        args.insert(args.begin(), "--json");
        return args;
    }()).out);
    assert_str_eq(json.at("state").get<std::string>(), "dry_run");
    assert_int_equal(json.at("changes").at("backup_codes_voided").get<int>(), 8);
    assert_true(database_bytes() == before);
    LoginClient client(suite_daemon().socket());
    assert_true(client.begin("fay") == MessageType::locked);
}

void commit_applies_it_once_and_audits_it(void**) {
    auto args = disable_args("fay");
    args.push_back("--commit");
    auto done = suite_mfactl(args);
    if (done.exit_code != 0) fail_msg("%s", done.err.c_str());
    assert_contains(done.out, "Done, for fay (ticket HD-4711):\n");
    assert_str_eq(suite_sql("SELECT count(*) FROM factors f JOIN users u ON u.id = f.user_id WHERE u.name = 'fay'").c_str(), "0\n");
    assert_str_eq(suite_sql("SELECT count(*) FROM backup_codes").c_str(), "0\n");
    assert_str_eq(suite_sql("SELECT failures, locked_until FROM users WHERE name = 'fay'").c_str(), "0|0\n");

    auto row = nlohmann::json::parse(suite_sql("SELECT detail FROM audit WHERE event = 'disable' AND \"user\" = 'fay'"));
    assert_str_eq(row.at("ticket").get<std::string>(), "HD-4711");
    assert_str_eq(row.at("reason").get<std::string>(), "lost phone, verified by callback");
    assert_str_eq(row.at("operator").get<std::string>(), "helpdesk.jo@example.com");
    assert_str_eq(row.at("verification_method").get<std::string>(), "with-claim");
    assert_int_equal(row.at("operator_uid").get<int>(), 0);
    assert_true(row.at("changes").at("totp_removed").get<bool>());
    assert_int_equal(row.at("changes").at("backup_codes_voided").get<int>(), 8);
    assert_true(row.at("changes").at("lock_cleared").get<bool>());
    assert_str_eq(suite_sql("SELECT peer_uid, result FROM audit WHERE event = 'disable'").c_str(), "0|ok\n");
    assert_contains(suite_mfactl({"audit", "list", "--event", "disable"}).out, "helpdesk.jo@example.com");

    // The second run: "already disabled", exit 0, not one byte changed.
    auto before = database_bytes();
    auto again = suite_mfactl(args);
    assert_int_equal(again.exit_code, 0);
    assert_contains(again.out, "fay: already disabled");
    assert_contains(again.out, "nothing changed");
    assert_true(database_bytes() == before);
    assert_contains(suite_mfactl(disable_args("fay")).out, "already disabled");
}

void the_user_logs_in_then_enrolls_again(void**) {
    LoginClient client(suite_daemon().socket());
    assert_true(client.begin("fay") == MessageType::exempt);
    assert_contains(client.last_message(), "disabled by the help desk until ");
    assert_contains(client.last_message(), "mfactl enroll totp");
    assert_str_eq(suite_sql("SELECT result FROM audit WHERE event = 'exempt' AND \"user\" = 'fay'").c_str(), "ok\n");
    auto status = nlohmann::json::parse(suite_mfactl({"--json", "status", "--user", "fay"}).out);
    assert_true(status.at("mfa_disabled_until").is_string());
    assert_int_equal(status.at("factors").size(), 0);

    auto secret = enroll_user(suite_daemon().socket(), "fay");
    LoginClient after(suite_daemon().socket());
    assert_true(after.begin("fay") == MessageType::step);  // the disable ended with the enrollment
    assert_true(after.answer(oathtool_code(secret, unix_now())) == MessageType::allow);
    assert_true(nlohmann::json::parse(suite_mfactl({"--json", "status", "--user", "fay"}).out).at("mfa_disabled_until").is_null());
    // Enrolled again, a disable has work to do again.
    assert_contains(suite_mfactl(disable_args("fay")).out, "DRY RUN");
}

void every_field_is_required_and_checked(void**) {
    auto base = disable_args("fay");
    for (const char* flag : {"--user", "--ticket", "--reason", "--operator", "--verification-method"}) {
        std::vector<std::string> args;
        for (std::size_t i = 0; i < base.size(); ++i) {
            if (base[i] == flag) {
                ++i;
                continue;
            }
            args.push_back(base[i]);
        }
        auto missing = suite_mfactl(args);
        if (missing.exit_code != 2) fail_msg("without %s: exit %d", flag, missing.exit_code);
    }
    auto bad_operator = disable_args("fay");
    bad_operator[9] = "Jo Smith";
    auto refused = suite_mfactl(bad_operator);
    assert_int_equal(refused.exit_code, 2);
    assert_contains(refused.err, "--operator: give the operator's email address");
    auto bad_method = disable_args("fay");
    bad_method[11] = "trust-me";
    assert_int_equal(suite_mfactl(bad_method).exit_code, 2);
    auto none = disable_args("gus-unknown");
    none[5] = "None Provided";
    none[7] = "None Provided";
    none[11] = "none-provided";
    auto unknown = suite_mfactl(none);  // "None Provided" passes; the unknown user does not
    assert_int_equal(unknown.exit_code, 1);
    assert_contains(unknown.err, "mfad knows no user gus-unknown");

    auto help = suite_mfactl({"admin", "disable", "--help"});
    assert_int_equal(help.exit_code, 0);
    assert_contains(help.out, "do not put the user's real name");
}

// mfad checks the request itself: a client that skips mfactl's checks gets nothing done.
void the_daemon_refuses_what_mfactl_would(void**) {
    prepare_locked_user("ida");
    auto before = database_bytes();
    auto client = mfa::wire::Client::connect({suite_daemon().socket(), std::chrono::seconds(5), {0}});
    assert_true(client.ok());
    for (auto bad : {mfa::wire::AdminDisable{"ida", "HD-9", "test", "not an email", "with-claim", true},
                     mfa::wire::AdminDisable{"ida", "", "test", "op@example.com", "with-claim", true},
                     mfa::wire::AdminDisable{"ida", "HD-9", "test", "op@example.com", "trust-me", true}}) {
        auto frame = mfa::wire::encode(bad, client->next_request_id());
        auto reply = client->call(frame);
        assert_false(reply.ok());
        assert_contains(reply.error().message, "--");
    }
    // A control character is refused by the frame decoder: malformed, and the connection ends.
    auto lines = mfa::wire::encode(mfa::wire::AdminDisable{"ida", "HD-9", "two\nlines", "op@example.com", "with-claim", true},
                                   client->next_request_id());
    auto refused = client->call(lines);
    assert_false(refused.ok());
    assert_contains(refused.error().message, "control character");
    assert_true(database_bytes() == before);
    LoginClient login(suite_daemon().socket());
    assert_true(login.begin("ida") == MessageType::locked);
}

void reset_ends_a_disable(void**) {
    prepare_locked_user("hal");
    auto args = disable_args("hal");
    args.push_back("--commit");
    assert_int_equal(suite_mfactl(args).exit_code, 0);
    assert_int_equal(suite_mfactl({"admin", "reset", "--user", "hal"}).exit_code, 0);
    LoginClient client(suite_daemon().socket());
    assert_true(client.begin("hal") == MessageType::not_enrolled);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(a_dry_run_prints_the_plan_and_changes_nothing),
        cmocka_unit_test(commit_applies_it_once_and_audits_it),
        cmocka_unit_test(the_user_logs_in_then_enrolls_again),
        cmocka_unit_test(every_field_is_required_and_checked),
        cmocka_unit_test(the_daemon_refuses_what_mfactl_would),
        cmocka_unit_test(reset_ends_a_disable),
    };
    return cmocka_run_group_tests(tests, start_daemon, stop_suite_daemon);
}
