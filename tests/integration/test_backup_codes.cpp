// Backup codes against a real mfad: shown once, stored only as salted hashes,
// each good once (also when two logins race with it), a new set voids the
// old one, the login warns when few are left, and all of it is audited.
#include <set>

#include <nlohmann/json.hpp>

#include "cmocka.hpp"
#include "suite_daemon.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

int start_daemon(void**) {
    return start_suite_daemon({.extra_yaml = "lockout: { max_failures: 4, duration: 5m }\n"});
}

std::optional<MessageType> login_with(const std::string& user, const std::string& code, std::string* message = nullptr) {
    LoginClient client(suite_daemon().socket());
    if (client.begin(user) != MessageType::step) return std::nullopt;
    auto verdict = client.answer(code);
    if (message != nullptr) *message = client.last_message();
    return verdict;
}

void generate_shows_a_set_once_and_stores_only_salted_hashes(void**) {
    enroll_user(suite_daemon().socket(), "ann");
    auto made = suite_mfactl({"--json", "backup-codes", "generate", "--user", "ann"});
    if (made.exit_code != 0) fail_msg("%s", made.err.c_str());
    auto json = nlohmann::json::parse(made.out);
    assert_str_eq(json.at("user").get<std::string>(), "ann");
    auto codes = json.at("codes").get<std::vector<std::string>>();
    assert_int_equal(codes.size(), 8);
    std::set<std::string> distinct(codes.begin(), codes.end());
    assert_int_equal(distinct.size(), 8);
    for (const auto& code : codes) {
        assert_int_equal(code.size(), 10);
        assert_true(code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
                    std::string::npos);
    }
    // The database holds 32-byte hashes under a 16-byte salt, never a code.
    assert_str_eq(suite_sql("SELECT count(*), min(length(hash)), max(length(hash)) FROM backup_codes c JOIN users u "
                      "ON u.id = c.user_id WHERE u.name = 'ann'").c_str(), "8|32|32\n");
    assert_str_eq(suite_sql("SELECT length(salt), iterations FROM backup_code_sets").c_str(), "16|1000\n");
    std::string dump = suite_daemon().dump();
    assert_contains(dump, "backup_codes_generate");  // the dump is real
    for (const auto& code : codes) assert_true(dump.find(code) == std::string::npos);
    assert_true(suite_daemon().log().find(codes[0]) == std::string::npos);

    auto text = suite_mfactl({"backup-codes", "generate", "--user", "ann"});
    assert_int_equal(text.exit_code, 0);
    assert_contains(text.out, "shown only now");
    assert_contains(text.out, "Any earlier set no longer works.");
    assert_contains(suite_mfactl({"status", "--user", "ann"}).out, "backup codes:     8 left");
}

void a_code_works_once_in_place_of_totp(void**) {
    auto secret = enroll_user(suite_daemon().socket(), "bob");
    auto codes = new_backup_codes(suite_daemon().socket(), "bob");
    std::string message;
    assert_true(login_with("bob", codes[0], &message) == MessageType::allow);
    assert_str_eq(message.c_str(), "");  // 7 left: no warning yet
    assert_true(login_with("bob", codes[0]) == MessageType::step);  // used
    assert_str_eq(suite_sql("SELECT result FROM audit WHERE \"user\" = 'bob' ORDER BY id DESC LIMIT 1").c_str(), "replay\n");
    assert_true(login_with("bob", "NotACode12") == MessageType::step);
    // The TOTP code still works beside them.
    assert_true(login_with("bob", oathtool_code(secret, unix_now())) == MessageType::allow);

    auto status = nlohmann::json::parse(suite_mfactl({"--json", "status", "--user", "bob"}).out);
    assert_int_equal(status.at("backup_codes_remaining").get<int>(), 7);
    assert_int_equal(std::stoi(suite_sql("SELECT count(*) FROM audit WHERE \"user\" = 'bob' AND event = 'backup_code_used' "
                                   "AND detail = 'factor=backup_code remaining=7'")),
                     1);
    assert_contains(suite_daemon().log(), "MFA_EVENT=backup_code_used MFA_USER=bob MFA_RESULT=ok");
}

void the_login_warns_when_two_or_fewer_are_left(void**) {
    enroll_user(suite_daemon().socket(), "cid");
    auto codes = new_backup_codes(suite_daemon().socket(), "cid");
    std::string message;
    for (int i = 0; i < 5; ++i) {
        assert_true(login_with("cid", codes[static_cast<std::size_t>(i)], &message) == MessageType::allow);
        assert_str_eq(message.c_str(), "");
    }
    assert_true(login_with("cid", codes[5], &message) == MessageType::allow);
    assert_str_eq(message.c_str(), "Backup code accepted. 2 left: make a new set with 'mfactl backup-codes generate'.");
    assert_true(login_with("cid", codes[6], &message) == MessageType::allow);
    assert_contains(message, "1 left");
    assert_true(login_with("cid", codes[7], &message) == MessageType::allow);
    assert_contains(message, "0 left");
    assert_contains(suite_mfactl({"status", "--user", "cid"}).out, "backup codes:     0 left");
}

void a_new_set_voids_the_old_one(void**) {
    enroll_user(suite_daemon().socket(), "dee");
    auto old_codes = new_backup_codes(suite_daemon().socket(), "dee");
    assert_true(login_with("dee", old_codes[0]) == MessageType::allow);
    auto new_codes = new_backup_codes(suite_daemon().socket(), "dee");
    assert_true(login_with("dee", old_codes[1]) == MessageType::step);
    assert_true(login_with("dee", new_codes[1]) == MessageType::allow);
    assert_str_eq(suite_sql("SELECT detail FROM audit WHERE \"user\" = 'dee' AND event = 'backup_codes_generate' "
                      "ORDER BY id").c_str(), "count=8 voided=0\ncount=8 voided=7\n");
}

void codes_need_an_active_authenticator(void**) {
    auto refused = suite_mfactl({"backup-codes", "generate", "--user", "nobody-enrolled"});
    assert_int_equal(refused.exit_code, 1);
    assert_contains(refused.err, "no active factor for nobody-enrolled");
}

void wrong_backup_codes_count_towards_the_lock(void**) {
    enroll_user(suite_daemon().socket(), "eve");
    auto codes = new_backup_codes(suite_daemon().socket(), "eve");
    LoginClient client(suite_daemon().socket()), earlier(suite_daemon().socket());
    assert_true(earlier.begin("eve") == MessageType::step);
    assert_true(client.begin("eve") == MessageType::step);
    for (int i = 0; i < 3; ++i) assert_true(client.answer("WrongCode" + std::to_string(i)) == MessageType::step);
    assert_true(client.answer("WrongCode9") == MessageType::locked);
    // Locked: even a good code, from a login begun before the lock, is refused and not spent.
    assert_true(earlier.answer(codes[0]) == MessageType::locked);
    assert_str_eq(suite_sql("SELECT count(*) FROM backup_codes c JOIN users u ON u.id = c.user_id "
                      "WHERE u.name = 'eve' AND used_at = 0").c_str(), "8\n");
}

// Two logins answer with the same code at the same moment: one gets in.
void two_logins_racing_one_backup_code_win_once(void**) {
    const std::string& socket = suite_daemon().socket();
    enroll_user(socket, "race");
    std::vector<std::string> codes;
    for (int round = 0; round < 1000; ++round) {
        if (codes.empty()) codes = new_backup_codes(socket, "race");
        std::string code = codes.back();
        codes.pop_back();
        auto race = race_one_code(socket, "race", code);
        if (race.allowed != 1 || race.denied != 1)
            fail_msg("round %d: %d successes, %d denials", round, race.allowed, race.denied);
    }
    assert_str_eq(suite_sql("SELECT count(*) FROM audit WHERE \"user\" = 'race' AND event = 'backup_code_used'").c_str(), "1000\n");
    assert_str_eq(suite_sql("SELECT count(*) FROM audit WHERE \"user\" = 'race' AND result = 'replay'").c_str(), "1000\n");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(generate_shows_a_set_once_and_stores_only_salted_hashes),
        cmocka_unit_test(a_code_works_once_in_place_of_totp),
        cmocka_unit_test(the_login_warns_when_two_or_fewer_are_left),
        cmocka_unit_test(a_new_set_voids_the_old_one),
        cmocka_unit_test(codes_need_an_active_authenticator),
        cmocka_unit_test(wrong_backup_codes_count_towards_the_lock),
        cmocka_unit_test(two_logins_racing_one_backup_code_win_once),
    };
    return cmocka_run_group_tests(tests, start_daemon, stop_suite_daemon);
}
