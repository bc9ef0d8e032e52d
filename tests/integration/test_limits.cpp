// What no local user can exhaust: connections (root keeps a reserve, a PAM
// user holds few pending logins whoever the peer), audit rows (refusals are
// rate-limited per peer uid), and the event loop (audit verify and audit
// list never walk the whole table on it).
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>

#include "cmocka.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"
#include "mfa/wire/admin_messages.hpp"
#include "mfa/wire/client.hpp"
#include "mfa/wire/login_messages.hpp"
#include "raw_client.hpp"
#include "suite_daemon.hpp"

using namespace mfa;
using namespace mfa::test;

namespace {

constexpr int kMax = 16;  // connections.max: the last 2 (max/8) are root's; max_logins_per_user: 3 (the default)

int start_daemon(void**) {
    int rc = start_suite_daemon({.extra_yaml = "connections: { max: " + std::to_string(kMax) +
                                               ", max_per_user: 4, idle_timeout: 30s }\n"});
    // Other uids must reach the socket inside the private directory.
    if (rc == 0) chmod(suite_daemon().dir().path().c_str(), 0755);
    return rc;
}

// Runs `body` in a child process as `uid`; returns the child's exit code.
template <class Body>
int as_uid(uid_t uid, Body body) {
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, nullptr) != 0 || setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0) _exit(100);
        _exit(body());
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool root_status_answers() {
    auto status = suite_mfactl({"status", "--user", "bob"});
    return status.exit_code == 0;
}

// 40 su-like sessions (root peers) for one PAM user, each left at the prompt:
// more than the whole connection cap. Each new one ends the oldest beyond 3.
void a_flood_of_pending_logins_for_one_user_cannot_fill_mfad(void**) {
    enroll_user(suite_daemon().socket(), "flood");
    auto bob = enroll_user(suite_daemon().socket(), "bob");
    std::vector<std::unique_ptr<RawClient>> waiting;
    for (int i = 0; i < 40; ++i) {
        auto client = std::make_unique<RawClient>(suite_daemon().socket());
        assert_true(client->handshake());
        auto begin = wire::encode(wire::Begin{"flood", "su", "", "pts/9"}, 2);
        assert_true(client->send(begin));
        auto reply = client->receive();
        if (!reply) fail_msg("pending login %d got no reply", i);
        assert_int_equal(static_cast<int>(reply->header.type), static_cast<int>(wire::MessageType::step));
        waiting.push_back(std::move(client));
    }
    // The oldest were ended by mfad; the last three still wait.
    assert_true(waiting.front()->closed_by_peer(1000));
    for (std::size_t i = waiting.size() - 3; i < waiting.size(); ++i) assert_false(waiting[i]->closed_by_peer(100));

    LoginClient login(suite_daemon().socket());
    assert_true(login.begin("bob") == wire::MessageType::step);
    assert_true(login.answer(oathtool_code(bob, unix_now())) == wire::MessageType::allow);
    assert_true(root_status_answers());
}

// Local users, however many uids they have, cannot take root's last slots;
// the refused ones hear "busy" for the request they sent.
void other_users_cannot_take_roots_reserve(void**) {
    std::vector<pid_t> holders;
    int ready[2];
    int release[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(release), 0);
    for (uid_t uid = 61001; uid <= 61004; ++uid) {
        pid_t pid = fork();
        if (pid == 0) {
            close(release[1]);
            if (setresgid(uid, uid, uid) != 0 || setresuid(uid, uid, uid) != 0) _exit(100);
            std::vector<std::unique_ptr<RawClient>> held;
            char report = 0;  // ones: connections held; tens: refusals that said "busy" for our request
            for (int i = 0; i < 4; ++i) {
                auto client = std::make_unique<RawClient>(suite_daemon().socket());
                auto hello = wire::encode(wire::Hello{wire::kProtocolMin, wire::kProtocolMax, "test"}, 7);
                if (!client->send(hello)) continue;
                auto reply = client->receive();
                if (!reply) continue;
                if (reply->header.type == wire::MessageType::hello_ok) {
                    held.push_back(std::move(client));
                    ++report;
                    continue;
                }
                auto error = wire::decode_error(*wire::PayloadReader::parse(reply->payload));
                if (error && error->code == wire::ErrorCode::busy && reply->header.request_id == 7) report += 10;
            }
            (void)!write(ready[1], &report, 1);
            char done;
            (void)!read(release[0], &done, 1);  // hold the connections until the parent has looked
            _exit(0);
        }
        holders.push_back(pid);
    }
    int held = 0;
    int busy = 0;
    for (std::size_t i = 0; i < holders.size(); ++i) {
        char report = 0;
        assert_int_equal(read(ready[0], &report, 1), 1);
        held += report % 10;
        busy += report / 10;
    }
    assert_true(root_status_answers());
    LoginClient root(suite_daemon().socket());
    assert_true(root.begin("bob") == wire::MessageType::step);
    close(release[1]);
    for (pid_t pid : holders) waitpid(pid, nullptr, 0);
    close(ready[0]);
    close(ready[1]);
    close(release[0]);
    // 4 uids x 4 wanted 16: at most 14, since the last 2 slots stay root's (fewer
    // when the previous test's connections are still being closed), and every
    // refused one heard "busy" for the request it sent.
    assert_true(held <= kMax - kMax / 8);
    assert_true(busy >= 2);
    assert_int_equal(held + busy, 16);
}

// One user names another user over and over with a long rhost: a few audit
// rows, not one per request.
void refusals_write_a_bounded_number_of_audit_rows(void**) {
    const std::string socket = suite_daemon().socket();
    int rc = as_uid(65534, [&] {
        RawClient client(socket);
        if (!client.handshake()) return 2;
        std::string rhost(250, 'r');
        for (std::uint32_t i = 0; i < 500; ++i) {
            auto begin = wire::encode(wire::Begin{"alice", "sshd", rhost, ""}, 10 + i);
            if (!client.send(begin)) return 3;
            auto reply = client.receive();
            if (!reply || reply->header.type != wire::MessageType::error) return 4;
        }
        return 0;
    });
    assert_int_equal(rc, 0);
    auto rows = std::stoi(suite_sql("SELECT count(*) FROM audit WHERE peer_uid = 65534 AND result = 'unauthorized'"));
    assert_true(rows >= 1);
    assert_true(rows <= 5);
    auto refused = run({MFACTL_BIN, "--socket", socket, "stats"});
    assert_contains(refused.out, "unauthorized");
}

// A user's own enrollment requests each write audit rows: 30 a minute per uid.
void self_service_writes_are_budgeted_per_uid(void**) {
    const std::string socket = suite_daemon().socket();
    int rc = as_uid(65534, [&] {
        auto client = wire::Client::connect({socket, std::chrono::seconds(3), {0}});
        if (!client) return 2;
        int refused = 0;
        for (int i = 0; i < 40; ++i) {
            auto start = wire::encode(wire::MessageType::enroll_start, wire::UserRequest{"nobody"}, client->next_request_id());
            auto reply = client->call(start);
            if (!reply && reply.error().message.find("too many requests") != std::string::npos) ++refused;
        }
        return refused == 10 ? 0 : 3;
    });
    assert_int_equal(rc, 0);
    assert_str_eq(suite_sql("SELECT count(*) FROM audit WHERE \"user\" = 'nobody' AND event = 'enroll_start'"), "30\n");
}

void seed_audit_rows(long count) {
    suite_sql("WITH RECURSIVE c(x) AS (SELECT 1000000 UNION ALL SELECT x + 1 FROM c WHERE x < " +
              std::to_string(1000000 + count - 1) +
              ") INSERT INTO audit (id, time, event, user, result, service, rhost, peer_uid, detail, prev_hash, hash) "
              "SELECT x, 1, 'seed', 'nobody', 'ok', '', '', 0, '', zeroblob(32), zeroblob(32) FROM c");
}

// A login completes within a 2 s timeout while audit verify walks a million rows.
void a_login_is_served_while_audit_verify_walks_a_million_rows(void**) {
    auto secret = enroll_user(suite_daemon().socket(), "carol");
    seed_audit_rows(1000000);
    RawClient verifier(suite_daemon().socket());
    assert_true(verifier.handshake());
    auto verify = wire::encode_empty(wire::MessageType::audit_verify, 2);
    assert_true(verifier.send(verify));

    auto started = std::chrono::steady_clock::now();
    LoginClient login(suite_daemon().socket(), std::chrono::seconds(2));
    assert_true(login.begin("carol") == wire::MessageType::step);
    assert_true(login.answer(oathtool_code(secret, unix_now())) == wire::MessageType::allow);
    auto took = std::chrono::steady_clock::now() - started;
    // The walk was still going when the login was done: they overlapped.
    auto early = verifier.receive(50);
    assert_false(early.has_value());
    auto reply = verifier.receive(60000);
    assert_true(reply.has_value());
    auto check = wire::decode_audit_verify_reply(*wire::PayloadReader::parse(reply->payload));
    assert_true(check.ok());
    assert_true(check->rows >= 1000000);
    assert_true(took < std::chrono::seconds(2));
}

// A filter that matches nothing in a big table: one request looks at a bounded
// range and says where to go on, instead of walking everything at once.
void audit_list_pages_a_big_table_in_bounded_slices(void**) {
    RawClient client(suite_daemon().socket());
    assert_true(client.handshake());
    auto list = wire::encode(wire::AuditList{0, "", 0, "no_such_event"}, 2);
    assert_true(client.send(list));
    auto reply = client.receive();
    assert_true(reply.has_value());
    auto page = wire::decode_audit_page(*wire::PayloadReader::parse(reply->payload));
    assert_true(page.ok());
    assert_str_eq(page->rows, "");
    assert_int_equal(page->next_after_id, 20000);
    // mfactl follows the slices to the end and finds nothing.
    auto listed = suite_mfactl({"--json", "audit", "list", "--event", "no_such_event"});
    assert_int_equal(listed.exit_code, 0);
    assert_str_eq(listed.out, "{\"rows\":[]}\n");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_flood_of_pending_logins_for_one_user_cannot_fill_mfad),
        cmocka_unit_test(other_users_cannot_take_roots_reserve),
        cmocka_unit_test(refusals_write_a_bounded_number_of_audit_rows),
        cmocka_unit_test(self_service_writes_are_budgeted_per_uid),
        cmocka_unit_test(a_login_is_served_while_audit_verify_walks_a_million_rows),
        cmocka_unit_test(audit_list_pages_a_big_table_in_bounded_slices),
    };
    return cmocka_run_group_tests(tests, start_daemon, stop_suite_daemon);
}
