// The login at protocol level: races on one code, parallel failures against
// the lock, protocol misuse, audit rows and journal fields, and secrecy of logs.
#include <signal.h>

#include <thread>

#include "cmocka.hpp"
#include "suite_daemon.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"
#include "raw_client.hpp"

using namespace mfa;
using namespace mfa::test;
using wire::MessageType;

namespace {

constexpr int kRaceRounds = 1000;

int start_daemon(void**) {
    std::vector<std::string> racers;
    for (int round = 0; round < kRaceRounds; ++round) racers.push_back("race" + std::to_string(round));
    // 50 pending logins of one user race below: room for all of them.
    return start_suite_daemon({.extra_yaml = "lockout: { max_failures: 4, duration: 5m }\n"
                                             "connections: { max_logins_per_user: 64 }\n",
                               .users = racers});
}

std::int64_t audit_count(const std::string& where) {
    return std::stoll(suite_sql("SELECT count(*) FROM audit WHERE " + where));
}

void two_clients_racing_one_code_win_once(void**) {
    const std::string& socket = suite_daemon().socket();
    for (int round = 0; round < kRaceRounds; ++round) {
        std::string user = "race" + std::to_string(round);
        auto secret = enroll_user(socket, user);  // before the clock is read for the code
        auto code = oathtool_code(secret, unix_now());
        auto race = race_one_code(socket, user, code);
        if (race.allowed != 1 || race.denied != 1)
            fail_msg("round %d: %d successes, %d denials", round, race.allowed, race.denied);
    }
    assert_int_equal(audit_count("event = 'verify_ok' AND \"user\" LIKE 'race%'"), kRaceRounds);
    assert_int_equal(audit_count("event = 'verify_fail' AND result = 'replay' AND \"user\" LIKE 'race%'"), kRaceRounds);
}

void parallel_failures_lock_at_exactly_the_cap(void**) {
    const std::string& socket = suite_daemon().socket();
    auto secret = enroll_user(socket, "eve");
    std::vector<std::unique_ptr<LoginClient>> clients;
    for (int i = 0; i < 50; ++i) {
        clients.push_back(std::make_unique<LoginClient>(socket));
        assert_true(clients.back()->begin("eve") == MessageType::step);
    }
    std::atomic<int> denied{0}, locked{0}, other{0};
    std::vector<std::thread> threads;
    for (auto& client : clients)
        threads.emplace_back([&, c = client.get()] {
            // Four attempts each; once locked there is no session, and BEGIN itself says LOCKED.
            bool in_session = true;
            for (int i = 0; i < 4; ++i) {
                std::optional<MessageType> r;
                if (!in_session) r = c->begin("eve");
                if (in_session || r == MessageType::step) r = c->answer("000000");
                in_session = r == MessageType::step;
                if (r == MessageType::step) ++denied;
                else if (r == MessageType::locked) ++locked;
                else ++other;
            }
        });
    for (auto& t : threads) t.join();
    assert_int_equal(other.load(), 0);
    assert_int_equal(denied.load() + locked.load(), 200);
    assert_int_equal(denied.load(), 3);  // failures 1-3; the 4th locks
    assert_int_equal(audit_count("\"user\" = 'eve' AND event = 'verify_fail' AND result = 'fail'"), 4);
    assert_int_equal(audit_count("\"user\" = 'eve' AND event = 'lockout'"), 1);

    LoginClient late(socket);
    assert_true(late.begin("eve") == MessageType::locked);
    // Even with the right code, through a session opened before the lock.
    LoginClient early(socket);
    assert_true(early.begin("eve") == MessageType::locked);
    (void)secret;
}

void a_session_opened_before_the_lock_is_refused_the_right_code(void**) {
    const std::string& socket = suite_daemon().socket();
    auto secret = enroll_user(socket, "frank");
    LoginClient patient(socket);
    assert_true(patient.begin("frank") == MessageType::step);
    LoginClient attacker(socket);
    assert_true(attacker.begin("frank") == MessageType::step);
    for (int i = 0; i < 3; ++i) assert_true(attacker.answer("000000") == MessageType::step);
    assert_true(attacker.answer("000000") == MessageType::locked);
    assert_true(patient.answer(oathtool_code(secret, unix_now())) == MessageType::locked);
}

void not_enrolled_and_pending_users_get_no_challenge(void**) {
    const std::string& socket = suite_daemon().socket();
    LoginClient client(socket);
    assert_true(client.begin("nobody-here") == MessageType::not_enrolled);
    // Started but never confirmed: still not enrolled.
    auto c = wire::Client::connect({socket, std::chrono::seconds(5), {0}});
    auto start = wire::encode(MessageType::enroll_start, wire::UserRequest{"grace"}, c->next_request_id());
    assert_true(c->call(start).ok());
    assert_true(client.begin("grace") == MessageType::not_enrolled);
}

void protocol_misuse_ends_the_connection(void**) {
    RawClient raw(suite_daemon().socket());
    assert_true(raw.handshake());
    auto answer = wire::encode(wire::Answer{1, "123456"}, 2);
    assert_true(raw.send(answer));
    auto reply = raw.receive();
    assert_true(reply && reply->header.type == MessageType::error);
    assert_true(raw.closed_by_peer());

    RawClient odd(suite_daemon().socket());
    assert_true(odd.handshake());
    auto bad_name = wire::encode(wire::Begin{"evil\nname", "sshd", "", ""}, 2);
    assert_true(odd.send(bad_name));
    auto refused = odd.receive();
    assert_true(refused && refused->header.type == MessageType::error);
    auto error = wire::decode_error(*wire::PayloadReader::parse(refused->payload));
    assert_contains(error->message, "control character");
    assert_true(odd.closed_by_peer());

    RawClient huge(suite_daemon().socket());
    assert_true(huge.handshake());
    auto long_name = wire::encode(wire::Begin{std::string(300, 'a'), "sshd", "", ""}, 2);
    assert_true(huge.send(long_name));
    auto too_long = huge.receive();
    assert_true(too_long && too_long->header.type == MessageType::error);
    assert_true(huge.closed_by_peer());
}

// mfad drives the conversation: the prompt (its own or the module's
// prompt=), "try again" with the next step, and the final DENY when the
// module's tries are used up.
void mfad_counts_the_tries_and_ends_the_login(void**) {
    const std::string& socket = suite_daemon().socket();
    enroll_user(socket, "kim");
    RawClient raw(socket);
    assert_true(raw.handshake());
    auto step_of = [](const std::optional<RawFrame>& frame) {
        assert_true(frame && frame->header.type == MessageType::step);
        return *wire::decode_step(*wire::PayloadReader::parse(frame->payload));
    };
    auto begin = wire::encode(wire::Begin{"kim", "sshd", "", "", 2, ""}, 2);
    assert_true(raw.send(begin));
    auto first = step_of(raw.receive());
    assert_str_eq(first.prompt, "Verification code: ");
    assert_str_eq(first.errors, "");
    assert_false(first.echo);
    auto wrong = wire::encode(wire::Answer{first.session, "000000x"}, 3);
    assert_true(raw.send(wrong));
    auto again = step_of(raw.receive());
    assert_str_eq(again.errors, "Wrong code, try again.");
    auto last = wire::encode(wire::Answer{first.session, "000001x"}, 4);
    assert_true(raw.send(last));
    auto end = raw.receive();
    assert_true(end && end->header.type == MessageType::deny);
    auto deny = wire::decode_deny(*wire::PayloadReader::parse(end->payload));
    assert_true(deny->exhausted);

    auto custom = wire::encode(wire::Begin{"kim", "sshd", "", "", 3, "Token: "}, 5);
    assert_true(raw.send(custom));
    assert_str_eq(step_of(raw.receive()).prompt, "Token: ");
    RawClient bad(socket);
    assert_true(bad.handshake());
    auto eleven = wire::encode(wire::Begin{"kim", "sshd", "", "", 11, ""}, 2);
    assert_true(bad.send(eleven));
    auto refused = bad.receive();
    assert_true(refused && refused->header.type == MessageType::error);
    assert_true(bad.closed_by_peer());
}

void audit_and_journal_fields_without_secrets(void**) {
    const std::string& socket = suite_daemon().socket();
    auto secret = enroll_user(socket, "heidi");
    auto code = oathtool_code(secret, unix_now());
    LoginClient client(socket);
    assert_true(client.begin("heidi") == MessageType::step);
    assert_true(client.answer("314159") == MessageType::step);
    assert_true(client.answer(code) == MessageType::allow);
    assert_int_equal(audit_count("\"user\" = 'heidi' AND event = 'enroll_start' AND result = 'ok'"), 1);
    assert_int_equal(audit_count("\"user\" = 'heidi' AND event = 'enroll_confirm' AND result = 'ok'"), 1);
    assert_int_equal(audit_count("\"user\" = 'heidi' AND event = 'verify_ok' AND rhost = '192.0.2.7' AND service = 'test'"), 1);
    std::string log = suite_daemon().log();
    assert_contains(log, "MFA_EVENT=verify_ok MFA_USER=heidi MFA_RESULT=ok MFA_SERVICE=test MFA_RHOST=192.0.2.7");
    assert_contains(log, "MESSAGE_ID=");
    for (const std::string& secret_text : {secret, code, std::string("314159")})
        if (log.find(secret_text) != std::string::npos) fail_msg("the log holds \"%s\"", secret_text.c_str());
    for (const std::string& secret_text : {code, std::string("314159")})  // digits: no LIKE wildcard
        assert_int_equal(audit_count("detail || event || result LIKE '%" + secret_text + "%'"), 0);
}

void durability_normal_works_the_same(void**) {
    DaemonFixture normal({.extra_yaml = "durability: normal\n"});
    assert_true(normal.start());
    auto secret = enroll_user(normal.socket(), "ivan");
    auto code = oathtool_code(secret, unix_now());
    LoginClient first(normal.socket());
    assert_true(first.begin("ivan") == MessageType::step);
    assert_true(first.answer(code) == MessageType::allow);
    LoginClient replay(normal.socket());
    assert_true(replay.begin("ivan") == MessageType::step);
    assert_true(replay.answer(code) == MessageType::step);
    normal.child().signal(SIGTERM);
    assert_int_equal(normal.child().wait(std::chrono::seconds(10)), 0);
    // After a clean stop the rows are in the file.
    assert_str_eq(normal.sql("SELECT count(*) FROM audit WHERE \"user\" = 'ivan' AND event = 'verify_ok'").out.c_str(), "1\n");
}

std::uint64_t logged_number(const std::string& log, const std::string& field) {
    auto at = log.find(field + "=");
    if (at == std::string::npos) fail_msg("no %s in the log", field.c_str());
    return std::stoull(log.substr(at + field.size() + 1));
}

// Runs last: stops the daemon and reads how many writes its commits carried.
void parallel_logins_share_commits(void**) {
    suite_daemon().child().signal(SIGTERM);
    assert_int_equal(suite_daemon().child().wait(std::chrono::seconds(10)), 0);
    auto log = suite_daemon().log();
    auto writes = logged_number(log, "MFA_WRITES");
    auto commits = logged_number(log, "MFA_COMMITS");
    print_message("%llu writes in %llu commits\n", static_cast<unsigned long long>(writes),
                  static_cast<unsigned long long>(commits));
    assert_true(writes >= 4000);
    assert_true(commits < writes);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(two_clients_racing_one_code_win_once),
        cmocka_unit_test(parallel_failures_lock_at_exactly_the_cap),
        cmocka_unit_test(a_session_opened_before_the_lock_is_refused_the_right_code),
        cmocka_unit_test(not_enrolled_and_pending_users_get_no_challenge),
        cmocka_unit_test(protocol_misuse_ends_the_connection),
        cmocka_unit_test(mfad_counts_the_tries_and_ends_the_login),
        cmocka_unit_test(audit_and_journal_fields_without_secrets),
        cmocka_unit_test(durability_normal_works_the_same),
        cmocka_unit_test(parallel_logins_share_commits),
    };
    return cmocka_run_group_tests(tests, start_daemon, stop_suite_daemon);
}
