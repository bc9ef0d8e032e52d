// How a host reaches the fleet's database: over TLS that checks the server's
// certificate and name (sslmode=verify-full); across a failover to a
// promoted standby without a restart, where no code accepted before the
// failover is accepted again; and when the server hangs.
#include <chrono>
#include <thread>

#include "cmocka.hpp"
#include "fleet_hosts.hpp"
#include "login_client.hpp"
#include "postgres_server.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

TempDir* shared = nullptr;

int start(void**) {
    shared = new TempDir();
    auto key = run({MFAD_BIN, "--generate-key", shared->file("fleet.key")});
    if (key.exit_code != 0) {
        fprintf(stderr, "mfad --generate-key: %s\n", key.err.c_str());
        return -1;
    }
    shared->write("token.hex", std::string(kFleetTokenHex) + "\n");
    shared->write("db-password", std::string(PostgresServer::kPassword) + "\n", 0600);
    return 0;
}

int stop(void**) {
    delete shared;
    return 0;
}

DaemonOptions host_on(const std::string& conninfo, const std::string& more_yaml = "") {
    return DaemonOptions{.extra_yaml = postgresql_section(conninfo, true) + more_yaml,
                         .users = {"roamer"},
                         .key_from = shared->file("fleet.key")};
}

bool logs_in(DaemonFixture& host, std::uint64_t counter) {
    LoginClient login(host.socket());
    return login.begin("roamer") == MessageType::step && login.answer(token_code(counter)) == MessageType::allow;
}

// A readiness wait (mfad reconnects with back-off up to 5 s), not a timing assertion.
bool store_reachable_within(DaemonFixture& host, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (mfactl(host, {"ping"}).exit_code != 0) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
}

void tls_with_verify_full_reaches_only_the_named_server(void**) {
    PostgresServer server({.tls = true});
    server.create_database("tls");
    std::string password = "    password_credential: " + shared->file("db-password") + "\n";
    DaemonFixture host(host_on(server.tls_conninfo("tls"), password));
    assert_true(host.start());
    enroll_token(host, "roamer", shared->file("token.hex"));
    assert_true(logs_in(host, 1));
    // The server sees mfad's sessions encrypted, and none in the clear.
    assert_true(server.admin_query("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) "
                                   "WHERE a.usename = 'mfad' AND s.ssl") >= 1);
    assert_int_equal(server.admin_query("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) "
                                        "WHERE a.usename = 'mfad' AND NOT s.ssl"),
                     0);

    // A certificate from a CA the host does not trust.
    auto other_ca = run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", shared->file("other-ca.key"), "-out", shared->file("other-ca.crt"), "-days", "2",
                         "-subj", "/CN=someone else"});
    assert_int_equal(other_ca.exit_code, 0);
    std::string wrong_ca = server.tls_conninfo("tls");
    wrong_ca.replace(wrong_ca.find(server.ca_file()), server.ca_file().size(), shared->file("other-ca.crt"));
    DaemonFixture distrusting(host_on(wrong_ca, password));
    assert_false(distrusting.start());
    assert_contains(distrusting.log(), "certificate verify failed");

    // The right CA, but the host asks for a name the certificate does not carry.
    std::string by_number = "host=127.0.0.1 port=" + std::to_string(server.port()) +
                            " user=mfad dbname=tls sslmode=verify-full sslrootcert=" + server.ca_file();
    DaemonFixture misnamed(host_on(by_number, password));
    assert_false(misnamed.start());
    assert_contains(misnamed.log(), "does not match host name");
}

// Commits wait for the standby (synchronous replication), so the standby has
// every accepted code when the primary dies; mfad's host list with
// target_session_attrs=read-write finds the promoted standby by itself.
void a_promoted_standby_takes_over_without_a_restart(void**) {
    PostgresServer primary({.synchronous_standby = true});
    primary.create_database("ha");
    auto standby = primary.standby();
    std::string both = "host=" + primary.socket_dir() + "," + standby->socket_dir() +
                       " port=" + std::to_string(primary.port()) + "," + std::to_string(standby->port()) +
                       " user=mfad dbname=ha target_session_attrs=read-write";
    DaemonFixture host(host_on(both));
    assert_true(host.start());
    enroll_token(host, "roamer", shared->file("token.hex"));
    for (std::uint64_t counter = 1; counter <= 3; ++counter) assert_true(logs_in(host, counter));

    primary.stop();
    // The first request to meet the dead connection is already "store
    // unavailable", which the module denies under every fail_mode (it was an
    // internal error once, which fail_mode=open let through).
    LoginClient first(host.socket());
    assert_false(first.begin("roamer").has_value());
    assert_contains(first.last_error(), "store unavailable");
    // While no server takes writes, no login gets in, whatever code it brings.
    assert_false(logs_in(host, 4));
    assert_int_equal(mfactl(host, {"ping"}).exit_code, 1);

    standby->promote();
    assert_true(store_reachable_within(host, std::chrono::seconds(30)));
    assert_false(logs_in(host, 3));  // accepted on the old primary
    assert_true(logs_in(host, 4));
    assert_false(logs_in(host, 4));
    auto verify = mfactl(host, {"audit", "verify"});
    assert_int_equal(verify.exit_code, 0);
    assert_contains(verify.out, "audit chain intact");
    assert_int_equal(count_of(host.log(), "store unreachable"), 1);
    assert_int_equal(count_of(host.log(), "store reachable again"), 1);
}

// A server that hangs (every process stopped, its sockets open) still gets
// each caller an answer by mfad's deadline: "store unavailable", which the
// module denies under every fail_mode. Silence past the module's timeout is
// what fail_mode=open would let through.
void a_hung_server_is_answered_by_the_deadline(void**) {
    PostgresServer server;
    DaemonFixture host(host_on(server.create_database("hung")));
    assert_true(host.start());
    enroll_token(host, "roamer", shared->file("token.hex"));
    assert_true(logs_in(host, 1));
    LoginClient asked(host.socket());  // its code is asked before the hang
    assert_true(asked.begin("roamer") == MessageType::step);

    server.freeze();
    LoginClient first(host.socket(), std::chrono::seconds(8));  // under the module's 10 s
    assert_false(first.begin("roamer").has_value());
    assert_contains(first.last_error(), "store unavailable");
    assert_false(asked.answer(token_code(2)).has_value());  // after the challenge: PAM_AUTH_ERR in the module
    assert_contains(asked.last_error(), "store unavailable");
    auto ping = mfactl(host, {"ping"});
    assert_int_equal(ping.exit_code, 1);
    assert_contains(ping.err, "store is unreachable");
    assert_contains(host.log(), "store not answering");
    server.thaw();

    // The store answers again by itself; the code the deadline cut off was never spent.
    bool back = false;
    for (int i = 0; i < 100 && !back; ++i) {
        back = mfactl(host, {"ping"}).exit_code == 0;
        if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    assert_true(back);
    assert_true(logs_in(host, 2));
    assert_false(logs_in(host, 2));
    assert_int_equal(count_of(host.log(), "store not answering"), 1);
    assert_int_equal(count_of(host.log(), "store answering again"), 1);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(tls_with_verify_full_reaches_only_the_named_server),
        cmocka_unit_test(a_promoted_standby_takes_over_without_a_restart),
        cmocka_unit_test(a_hung_server_is_answered_by_the_deadline),
    };
    return cmocka_run_group_tests_name("fleet connections", tests, start, stop);
}
