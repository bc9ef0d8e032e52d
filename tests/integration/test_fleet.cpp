// Two mfad "hosts" sharing one PostgreSQL (a private server started here):
// an OATH token's code is let in once across both, wrong codes from both lock
// at exactly lockout.max_failures, the audit chain holds after both wrote at
// once, and a database outage fails every login closed, is logged once, shows
// in mfactl ping, and passes without a restart, with no code accepted twice.
#include <signal.h>

#include <atomic>
#include <future>
#include <barrier>
#include <sstream>
#include <thread>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "fleet_hosts.hpp"
#include "login_client.hpp"
#include "postgres_server.hpp"
#include "store/pg_handle.hpp"
#include "store/pg_store.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

PostgresServer* server = nullptr;
DaemonFixture* host_a = nullptr;
DaemonFixture* host_b = nullptr;
TempDir* shared = nullptr;

constexpr int kMaxFailures = 5;

int start(void**) {
    try {
        server = new PostgresServer();
        std::string conninfo = server->create_database("fleet");
        shared = new TempDir();
        auto key = run({MFAD_BIN, "--generate-key", shared->file("fleet.key")});
        if (key.exit_code != 0) throw std::runtime_error(key.err);
        shared->write("token.hex", std::string(kFleetTokenHex) + "\n");
        DaemonOptions options{.extra_yaml = "store:\n  backend: postgresql\n  postgresql:\n    conninfo: \"" + conninfo +
                                            "\"\nlockout:\n  max_failures: " + std::to_string(kMaxFailures) + "\n",
                              .users = {"racer", "guesser", "steady"},
                              .key_from = shared->file("fleet.key")};
        host_a = new DaemonFixture(options);
        host_b = new DaemonFixture(options);
        if (!host_a->start() || !host_b->start()) throw std::runtime_error("an mfad did not start");
    } catch (const std::exception& e) {
        fprintf(stderr, "fleet setup: %s\n", e.what());
        return -1;
    }
    return 0;
}

int stop(void**) {
    delete host_a;
    delete host_b;
    delete server;
    delete shared;
    return 0;
}


// Both hosts get the same fresh code at the same moment, 1,000 times.
void a_code_is_let_in_once_across_the_fleet(void**) {
    enroll_token(*host_a, "racer", shared->file("token.hex"));
    assert_contains(mfactl(*host_b, {"factors", "--user", "racer"}).out, "active");
    constexpr int kRounds = 1000;
    int twice = 0;
    int never = 0;
    for (int round = 1; round <= kRounds; ++round) {
        LoginClient a(host_a->socket()), b(host_b->socket());
        if (a.begin("racer") != MessageType::step || b.begin("racer") != MessageType::step)
            fail_msg("round %d: no step: %s%s", round, a.last_error().c_str(), b.last_error().c_str());
        std::string now = token_code(static_cast<std::uint64_t>(round));
        std::barrier both(2);
        std::optional<MessageType> ra, rb;
        std::thread ta([&] { both.arrive_and_wait(); ra = a.answer(now); });
        std::thread tb([&] { both.arrive_and_wait(); rb = b.answer(now); });
        ta.join();
        tb.join();
        int allowed = (ra == MessageType::allow) + (rb == MessageType::allow);
        twice += allowed > 1;
        never += allowed == 0;
    }
    assert_int_equal(twice, 0);
    assert_int_equal(never, 0);
    // Every code once: an old one is refused on either host.
    LoginClient late(host_b->socket());
    assert_true(late.begin("racer") == MessageType::step);
    assert_true(late.answer(token_code(kRounds)) != MessageType::allow);
}

// 200 wrong codes, half on each host at once: the lock engages at exactly the cap.
void wrong_codes_on_both_hosts_lock_at_exactly_the_cap(void**) {
    enroll_token(*host_b, "guesser", shared->file("token.hex"));
    std::atomic<int> locked{0};
    auto guess = [&](DaemonFixture& host) {
        for (int i = 0; i < 100; ++i) {
            LoginClient login(host.socket());
            auto begun = login.begin("guesser", 1);
            if (begun == MessageType::locked) {
                ++locked;
                continue;
            }
            if (begun != MessageType::step) fail_msg("begin: %s", login.last_error().c_str());
            auto answered = login.answer("000000");
            if (answered == MessageType::locked) ++locked;
            else if (answered != MessageType::deny) fail_msg("a wrong code was not denied: %s", login.last_error().c_str());
        }
    };
    std::thread ta([&] { guess(*host_a); });
    std::thread tb([&] { guess(*host_b); });
    ta.join();
    tb.join();
    auto audit = mfactl(*host_a, {"audit", "list", "--user", "guesser"}).out;
    assert_int_equal(count_of(audit, "verify_fail  guesser  fail"), kMaxFailures);
    assert_int_equal(count_of(audit, "lockout  guesser  locked"), 1);
    assert_int_equal(locked.load(), 200 - (kMaxFailures - 1));  // the answer that locks says so
    // The chain both hosts appended to, in one order, still holds.
    auto verify = mfactl(*host_b, {"audit", "verify"});
    assert_int_equal(verify.exit_code, 0);
    assert_contains(verify.out, "audit chain intact");
}

// A log without its routine rows, for a failure's message.
std::string notable_lines(const std::string& log) {
    std::istringstream lines(log);
    std::string out;
    for (std::string line; std::getline(lines, line);)
        if (line.find("MFA_EVENT=") == std::string::npos || line.find("MFA_USER=steady") != std::string::npos)
            out += line + "\n";
    return out.size() > 6000 ? out.substr(out.size() - 6000) : out;
}

// Logins run while the database goes away and comes back.
void an_outage_fails_closed_and_passes_without_a_restart(void**) {
    enroll_token(*host_a, "steady", shared->file("token.hex"));
    std::atomic<bool> running{true};
    std::atomic<bool> down{false};
    std::atomic<int> allowed_while_down{0};
    std::atomic<int> allowed{0};
    std::vector<std::uint64_t> accepted;
    std::uint64_t counter = 1;
    std::thread load([&] {
        for (std::uint64_t turn = 0; running; ++turn) {
            DaemonFixture& host = turn % 2 ? *host_a : *host_b;
            LoginClient login(host.socket(), std::chrono::seconds(15));
            bool was_down = down;
            if (login.begin("steady") != MessageType::step) continue;
            auto answered = login.answer(token_code(counter));
            // Refused while the server died mid-commit: the code's fate is
            // unknown (it may be spent). The next login uses the next code.
            if (answered != MessageType::allow) {
                ++counter;
                continue;
            }
            // Let in: the database took the code. Was it down the whole time?
            if (was_down && down) ++allowed_while_down;
            ++allowed;
            accepted.push_back(counter++);
        }
    });
    std::this_thread::sleep_for(std::chrono::seconds(1));
    server->stop();
    down = true;  // from here to start(), the database is gone
    std::this_thread::sleep_for(std::chrono::seconds(1));  // logins keep coming meanwhile
    auto ping = mfactl(*host_a, {"ping"});
    assert_int_not_equal(ping.exit_code, 0);
    assert_contains(ping.err, "store is unreachable");
    LoginClient during(host_b->socket());
    assert_false(during.begin("steady").has_value());
    assert_contains(during.last_error(), "store unavailable");  // the module denies this under every fail_mode
    int before_restart = allowed;
    std::this_thread::sleep_for(std::chrono::seconds(1));
    assert_int_equal(allowed.load(), before_restart);  // nothing let in while it is down
    down = false;
    server->start();
    // mfad connects again by itself (back-off at most 5 s).
    bool back = false;
    for (int i = 0; i < 100 && !back; ++i) {
        back = mfactl(*host_a, {"ping"}).exit_code == 0 && mfactl(*host_b, {"ping"}).exit_code == 0;
        if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    assert_true(back);
    int after = allowed;
    for (int i = 0; i < 100 && allowed < after + 5; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    running = false;
    load.join();
    assert_int_equal(allowed_while_down.load(), 0);
    if (allowed.load() < after + 5) {
        fprintf(stderr, "host a:\n%s\nhost b:\n%s\n", notable_lines(host_a->log()).c_str(),
                notable_lines(host_b->log()).c_str());
        fail_msg("%d logins after the outage (counter %llu)", allowed.load() - after, static_cast<unsigned long long>(counter));
    }
    // One line per outage in each host's log, not one per login.
    for (DaemonFixture* host : {host_a, host_b}) {
        if (getenv("SHOW_LOG")) fprintf(stderr, "%s\n", host->log().c_str());
        assert_int_equal(count_of(host->log(), "store unreachable"), 1);
        assert_int_equal(count_of(host->log(), "store reachable again"), 1);
    }
    // No code accepted before or after is accepted again, on either host.
    for (auto used : {accepted.front(), accepted.back()})
        for (DaemonFixture* host : {host_a, host_b}) {
            LoginClient again(host->socket());
            assert_true(again.begin("steady") == MessageType::step);
            assert_true(again.answer(token_code(used)) != MessageType::allow);
        }
}

std::int64_t users_in(const std::string& conninfo) {
    auto db = mfa::daemon::pg::Database::connect({conninfo, ""});
    if (!db) fail_msg("%s", db.error().message.c_str());
    return *(*db)->query_int("SELECT count(*) FROM users");
}

// A host on SQLite moves its users to a new PostgreSQL database; a host on
// that database then logs every one of them in.
void migrate_store_moves_every_user_to_postgresql(void**) {
    std::string conninfo = server->create_database("moved");
    DaemonOptions on_sqlite{.extra_yaml = postgresql_section(conninfo, false), .users = {"mover1", "mover2"},
                            .key_from = shared->file("fleet.key")};
    DaemonFixture old(on_sqlite);
    assert_true(old.start());
    std::string secret = enroll_user(old.socket(), "mover1");
    auto backup = new_backup_codes(old.socket(), "mover1");
    enroll_token(old, "mover2", shared->file("token.hex"));
    LoginClient wrong(old.socket());
    assert_true(wrong.begin("mover2", 1) == MessageType::step);
    assert_true(wrong.answer("000000") == MessageType::deny);

    auto dry = mfactl(old, {"admin", "migrate-store", "--to", "postgresql"});
    assert_int_equal(dry.exit_code, 0);
    assert_contains(dry.out, "dry run: would copy 2 users, 2 factors, " + std::to_string(backup.size()) + " backup codes");
    assert_contains(dry.out, "the audit chain holds in PostgreSQL");
    assert_int_equal(users_in(conninfo), 0);  // a dry run writes nothing

    // Two at once: one copies; the other is refused and cannot reopen the old store.
    auto racing = std::async(std::launch::async,
                             [&] { return mfactl(old, {"admin", "migrate-store", "--to", "postgresql", "--commit"}); });
    auto first = mfactl(old, {"admin", "migrate-store", "--to", "postgresql", "--commit"});
    auto second = racing.get();
    auto& moved = first.exit_code == 0 ? first : second;
    auto& refused = first.exit_code == 0 ? second : first;
    assert_int_equal(moved.exit_code, 0);
    assert_contains(moved.out, "copied 2 users");
    assert_int_equal(refused.exit_code, 1);
    assert_contains(refused.err, "a migration of this store is running, or is done");
    assert_int_equal(users_in(conninfo), 2);
    // The old host takes no more changes, and will not start on its SQLite again.
    auto after = mfactl(old, {"admin", "unlock", "--user", "mover2"});
    assert_int_equal(after.exit_code, 1);
    assert_contains(after.err, "migrated to PostgreSQL");
    assert_false(old.restart(SIGTERM));
    assert_contains(old.log(), "was copied to PostgreSQL");

    // A second copy into the same database is refused.
    DaemonFixture another(on_sqlite);
    assert_true(another.start());
    auto again = mfactl(another, {"admin", "migrate-store", "--to", "postgresql", "--commit"});
    assert_int_equal(again.exit_code, 1);
    assert_contains(again.err, "not empty");
    // A chain edited behind mfad's back is never carried into the fleet's.
    enroll_token(another, "mover1", shared->file("token.hex"));
    auto edited = run({"sqlite3", another.dir().file("state/mfad.db"), "UPDATE audit SET result = 'edited' WHERE id = 1"});
    assert_int_equal(edited.exit_code, 0);
    auto tampered = mfactl(another, {"admin", "migrate-store", "--to", "postgresql"});
    assert_int_equal(tampered.exit_code, 1);
    assert_contains(tampered.err, "audit chain is broken at row 1");

    DaemonFixture on_postgresql({.extra_yaml = postgresql_section(conninfo, true), .users = {"mover1", "mover2"},
                                 .key_from = shared->file("fleet.key")});
    assert_true(on_postgresql.start());
    LoginClient app(on_postgresql.socket());
    assert_true(app.begin("mover1") == MessageType::step);
    assert_true(app.answer(oathtool_code(secret, unix_now())) == MessageType::allow);
    LoginClient paper(on_postgresql.socket());
    assert_true(paper.begin("mover1") == MessageType::step);
    assert_true(paper.answer(backup[0]) == MessageType::allow);
    LoginClient token(on_postgresql.socket());
    assert_true(token.begin("mover2") == MessageType::step);
    assert_true(token.answer(token_code(0)) != MessageType::allow);  // spent at enrollment, on SQLite
    LoginClient next(on_postgresql.socket());
    assert_true(next.begin("mover2") == MessageType::step);
    assert_true(next.answer(token_code(1)) == MessageType::allow);
    auto verify = mfactl(on_postgresql, {"audit", "verify"});
    assert_int_equal(verify.exit_code, 0);
    assert_contains(verify.out, "audit chain intact");
    auto audit = mfactl(on_postgresql, {"audit", "list", "--event", "store_migrate"}).out;
    assert_contains(audit, "store_migrate");
    assert_contains(audit, "arrived");
    assert_contains(mfactl(on_postgresql, {"audit", "list", "--user", "mover2"}).out, "verify_fail  mover2  fail");
}

// The connection breaks during the copy's COMMIT (a deferred trigger ends
// the session as the commit runs): no one can say whether PostgreSQL took the
// rows, so this host takes no more changes, and says where to look.
void a_migration_whose_commit_gets_no_answer_shuts_the_host(void**) {
    std::string conninfo = server->create_database("cut");
    DaemonFixture old({.extra_yaml = postgresql_section(conninfo, false), .users = {"mover1"},
                       .key_from = shared->file("fleet.key")});
    assert_true(old.start());
    enroll_token(old, "mover1", shared->file("token.hex"));
    assert_int_equal(mfactl(old, {"admin", "migrate-store", "--to", "postgresql"}).exit_code, 0);  // makes the schema
    server->admin_exec("cut", "CREATE FUNCTION cut_session() RETURNS trigger LANGUAGE plpgsql AS "
                              "$$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$; "
                              "CREATE CONSTRAINT TRIGGER cut AFTER INSERT ON audit DEFERRABLE INITIALLY DEFERRED "
                              "FOR EACH ROW EXECUTE FUNCTION cut_session()");
    auto cut = mfactl(old, {"admin", "migrate-store", "--to", "postgresql", "--commit"});
    assert_int_equal(cut.exit_code, 1);
    assert_contains(cut.err, "may or may not be in PostgreSQL");
    auto after = mfactl(old, {"admin", "unlock", "--user", "mover1"});
    assert_int_equal(after.exit_code, 1);
    assert_contains(after.err, "may have committed");
    assert_contains(old.log(), "look for the store_migrate arrived row");
    assert_int_equal(users_in(conninfo), 0);  // here it did not: the session ended before the commit
    // The file keeps its mark across a restart, until the admin clears it.
    assert_false(old.restart(SIGTERM));
    assert_contains(old.log(), "was copied to PostgreSQL");
    auto cleared = run({"sqlite3", old.dir().file("state/mfad.db"), "PRAGMA application_id = 0"});
    assert_int_equal(cleared.exit_code, 0);
    assert_true(old.restart(SIGTERM));
    LoginClient back(old.socket());
    assert_true(back.begin("mover1") == MessageType::step);
    assert_true(back.answer(token_code(1)) == MessageType::allow);
}

// After the schema exists, a host needs no more than reading and writing
// rows: a role without DDL (or ownership) runs one.
void a_host_runs_with_a_role_that_cannot_change_the_schema(void**) {
    server->admin_exec("fleet", "CREATE ROLE mfad_rows LOGIN; GRANT USAGE ON SCHEMA public TO mfad_rows; "
                                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO mfad_rows; "
                                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO mfad_rows");
    std::string conninfo = server->admin_conninfo("fleet");
    conninfo.replace(conninfo.find("user=postgres"), 13, "user=mfad_rows");
    DaemonFixture limited({.extra_yaml = postgresql_section(conninfo, true), .users = {"racer", "newcomer"},
                           .key_from = shared->file("fleet.key")});
    assert_true(limited.start());
    LoginClient login(limited.socket());
    assert_true(login.begin("racer") == MessageType::step);
    assert_true(login.answer(token_code(1001)) == MessageType::allow);
    enroll_token(limited, "newcomer", shared->file("token.hex"));  // new rows in every table an enrollment touches
    assert_int_equal(mfactl(limited, {"audit", "verify"}).exit_code, 0);
    // And it really cannot change the schema.
    auto db = mfa::daemon::pg::Database::connect({conninfo, ""});
    assert_true(db.ok());
    auto ddl = (*db)->exec("ALTER TABLE users ADD COLUMN sneaky BIGINT");
    assert_false(ddl.ok());
    assert_contains(ddl.error().message, "must be owner");
    // A database that refuses mfad (a revoked grant) is never "mfad is gone",
    // which fail_mode=open would let through.
    server->admin_exec("fleet", "REVOKE SELECT ON users FROM mfad_rows");
    LoginClient refused(limited.socket());
    assert_false(refused.begin("racer").has_value());
    assert_contains(refused.last_error(), "store unavailable");
}

// Hosts starting at once on a new database: the schema is made once (a
// second CREATE TABLE would fail its host's start), and every host opens it.
void hosts_starting_at_once_make_the_schema_once(void**) {
    std::string conninfo = server->create_database("together");
    std::vector<std::uint8_t> bytes(32, 3);
    mfa::daemon::KeyRing keys(std::move(*mfa::daemon::MasterKey::from_bytes(bytes)));
    constexpr int kHosts = 6;
    std::barrier start_line(kHosts);
    std::vector<std::string> failures(kHosts);
    std::vector<std::thread> hosts;
    for (int i = 0; i < kHosts; ++i)
        hosts.emplace_back([&, i] {
            start_line.arrive_and_wait();
            auto store = mfa::daemon::PgStore::open({conninfo, ""}, keys);
            if (!store) failures[i] = store.error().message;
            else if ((*store)->schema_version() != 8) failures[i] = "schema " + std::to_string((*store)->schema_version());
        });
    for (auto& host : hosts) host.join();
    for (const auto& failure : failures)
        if (!failure.empty()) fail_msg("a host did not start: %s", failure.c_str());
    auto db = mfa::daemon::pg::Database::connect({conninfo, ""});
    assert_int_equal(*(*db)->query_int("SELECT count(*) FROM mfad_schema"), 1);
}

// The password from a credential file, over TCP (scram-sha-256); a password
// in the conninfo is refused before anything connects.
void the_password_comes_from_a_credential(void**) {
    shared->write("db-password", std::string(PostgresServer::kPassword) + "\n", 0600);
    std::string tcp = server->tcp_conninfo("fleet");
    DaemonFixture with_credential({.extra_yaml = postgresql_section(tcp, true) + "    password_credential: " +
                                                 shared->file("db-password") + "\n",
                                   .key_from = shared->file("fleet.key")});
    assert_true(with_credential.start());
    assert_contains(mfactl(with_credential, {"ping"}).out, "store postgresql)");
    // Read once, at start: with the file gone and the session cut, mfad
    // connects again with the password it holds.
    unlink(shared->file("db-password").c_str());
    server->admin_exec("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'mfad' "
                                   "AND client_addr IS NOT NULL");
    // A ping asks the store at most once a second: it finds the cut, then the new session.
    bool back = false;
    for (int i = 0; i < 100 && !back; ++i) {
        back = with_credential.log().find("store reachable again") != std::string::npos &&
               mfactl(with_credential, {"ping"}).exit_code == 0;
        if (!back) {
            (void)mfactl(with_credential, {"ping"});
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    assert_true(back);
    assert_int_equal(count_of(with_credential.log(), "store unreachable"), 1);
    DaemonFixture without({.extra_yaml = postgresql_section(tcp, true), .key_from = shared->file("fleet.key")});
    assert_false(without.start());
    assert_contains(without.log(), "cannot open the store");
    DaemonFixture inline_password({.extra_yaml = postgresql_section(tcp + " password=x", true),
                                   .key_from = shared->file("fleet.key")});
    assert_false(inline_password.start());
    assert_contains(inline_password.log(), "carries a password");
}

// A host whose clock is off from the database server's says so when it
// connects (steps and lock expiry are judged by each host's clock).
void a_host_whose_clock_is_off_says_so(void**) {
    DaemonFixture ahead({.extra_yaml = postgresql_section(server->create_database("skew"), true),
                         .fake_clock = true,
                         .key_from = shared->file("fleet.key")});
    ahead.shift_clock(120);
    assert_true(ahead.start());
    assert_contains(ahead.log(), "differs from the database server's by 1");  // 119 or 120 s
    assert_contains(ahead.log(), "MFA_CLOCK_SKEW_MS=1");
    assert_int_equal(count_of(host_a->log(), "differs from the database server's"), 0);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(a_code_is_let_in_once_across_the_fleet),
        cmocka_unit_test(wrong_codes_on_both_hosts_lock_at_exactly_the_cap),
        cmocka_unit_test(an_outage_fails_closed_and_passes_without_a_restart),
        cmocka_unit_test(migrate_store_moves_every_user_to_postgresql),
        cmocka_unit_test(a_migration_whose_commit_gets_no_answer_shuts_the_host),
        cmocka_unit_test(a_host_runs_with_a_role_that_cannot_change_the_schema),
        cmocka_unit_test(the_password_comes_from_a_credential),
        cmocka_unit_test(hosts_starting_at_once_make_the_schema_once),
        cmocka_unit_test(a_host_whose_clock_is_off_says_so),
    };
    return cmocka_run_group_tests_name("fleet", tests, start, stop);
}
