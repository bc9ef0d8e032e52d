// mfad's life: sd_notify, watchdog, SIGHUP reload, SIGTERM drain, refusals to
// start, the connection cap, and socket activation.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "mfa/wire/client.hpp"
#include "mfa/wire/login_messages.hpp"
#include "raw_client.hpp"

using namespace mfa;
using namespace mfa::test;

namespace {

bool wait_for_log(DaemonFixture& d, const std::string& needle, int limit_ms = 3000) {
    for (int waited = 0; waited < limit_ms; waited += 10) {
        if (d.log().find(needle) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

std::optional<wire::ErrorCode> refusal_code(RawClient& raw) {
    auto reply = raw.receive();
    if (!reply || reply->header.type != wire::MessageType::error) return std::nullopt;
    auto error = wire::decode_error(*wire::PayloadReader::parse(reply->payload));
    return error ? std::optional(error->code) : std::nullopt;
}

void ready_then_stopping_and_a_clean_exit(void**) {
    TempDir notify_dir;
    NotifyListener notify(notify_dir.file("notify"));
    DaemonFixture d({.env = {notify.env()}});
    assert_true(d.start());
    assert_contains(notify.wait_for("READY=1", 3000), "READY=1");
    RawClient idle(d.socket());
    assert_true(idle.handshake());

    d.child().signal(SIGTERM);
    assert_contains(notify.wait_for("STOPPING=1", 3000), "STOPPING=1");
    assert_int_equal(d.child().wait(std::chrono::seconds(5)), 0);
    assert_true(idle.closed_by_peer(1000));
    assert_contains(d.log(), "stopped");
}

void watchdog_is_pinged(void**) {
    TempDir notify_dir;
    NotifyListener notify(notify_dir.file("notify"));
    DaemonFixture d({.env = {notify.env(), "WATCHDOG_USEC=100000"}});
    assert_true(d.start());
    std::string seen;
    for (int i = 0; i < 100; ++i) {
        seen = notify.wait_for("WATCHDOG=1\nWATCHDOG=1\nWATCHDOG=1", 30);
        if (seen.find("WATCHDOG=1\nWATCHDOG=1\nWATCHDOG=1") != std::string::npos) break;
    }
    assert_contains(seen, "WATCHDOG=1\nWATCHDOG=1\nWATCHDOG=1");
}

void sighup_applies_a_good_config_and_keeps_the_old_on_a_bad_one(void**) {
    TempDir notify_dir;
    NotifyListener notify(notify_dir.file("notify"));
    DaemonFixture d({.extra_yaml = "connections: { max: 64 }\n", .env = {notify.env()}});
    assert_true(d.start());
    assert_contains(notify.wait_for("READY=1", 3000), "READY=1");

    d.write_config("connections: { max: 1 }\n");
    d.child().signal(SIGHUP);
    assert_true(wait_for_log(d, "configuration reloaded"));
    assert_contains(notify.wait_for("RELOADING=1", 1000), "RELOADING=1");
    {
        RawClient first(d.socket());
        assert_true(first.handshake());
        RawClient second(d.socket());
        assert_true(refusal_code(second) == wire::ErrorCode::busy);
        assert_true(second.closed_by_peer());
    }

    d.write_config("connections: { max: 64 }\nlockout: { max_failures: -3 }\n");
    d.child().signal(SIGHUP);
    assert_true(wait_for_log(d, "configuration reload failed"));
    assert_contains(d.log(), "mfad.yaml:5: lockout.max_failures: must be between 1 and 100");
    // Still the running config: the cap is still one.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    RawClient first(d.socket());
    assert_true(first.handshake());
    RawClient second(d.socket());
    assert_true(refusal_code(second) == wire::ErrorCode::busy);
    assert_true(d.child().running());
}

// Requests that wait on the store keep the config they started with, so
// reloads racing them free nothing in use (the ASan build checks).
void reloads_racing_requests_are_safe(void**) {
    std::vector<std::string> users;
    for (int i = 0; i < 200; ++i) users.push_back("u" + std::to_string(i));
    DaemonFixture d({.extra_yaml = "issuer: \"Before\"\n", .users = users});
    assert_true(d.start());
    d.write_config("issuer: \"After\"\n");
    std::atomic<bool> done{false};
    std::thread reloader([&] {
        while (!done) {
            d.child().signal(SIGHUP);
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        }
    });
    for (int i = 0; i < 200; ++i) {
        auto client = wire::Client::connect({d.socket(), std::chrono::seconds(5), {0}});
        assert_true(client.ok());
        auto start = wire::encode(wire::MessageType::enroll_start, wire::UserRequest{"u" + std::to_string(i)},
                                  client->next_request_id());
        auto reply = client->call(start);
        if (!reply) fail_msg("round %d: %s", i, reply.error().message.c_str());
        auto secret = wire::decode_enroll_secret(*reply->fields());
        assert_true(secret.ok());
        assert_true(secret->uri.find("issuer=Before") != std::string::npos ||
                    secret->uri.find("issuer=After") != std::string::npos);
    }
    done = true;
    reloader.join();
    assert_true(d.child().running());
}

void the_connection_cap_holds_and_frees(void**) {
    DaemonFixture d({.extra_yaml = "connections: { max: 4 }\n"});
    assert_true(d.start());
    std::vector<std::unique_ptr<RawClient>> held;
    for (int i = 0; i < 4; ++i) {
        held.push_back(std::make_unique<RawClient>(d.socket()));
        assert_true(held.back()->handshake());
    }
    RawClient over(d.socket());
    assert_true(refusal_code(over) == wire::ErrorCode::busy);
    held.pop_back();
    bool served = false;
    for (int i = 0; i < 100 && !served; ++i) {
        RawClient again(d.socket());
        served = again.handshake();
        if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    assert_true(served);
}

void refuses_to_start_on_bad_setup(void**) {
    struct Case {
        std::string yaml;
        std::function<void(DaemonFixture&)> spoil;
        const char* reason;
    };
    const Case cases[] = {
        {"totp: { digits: 12 }\n", {}, "mfad.yaml:4: totp.digits: must be between 6 and 8"},
        {"", [](DaemonFixture& d) { unlink(d.dir().file("mfad.key").c_str()); }, "cannot load the key"},
        {"", [](DaemonFixture& d) { chmod(d.dir().file("mfad.key").c_str(), 0644); }, "mode 0644"},
        {"", [](DaemonFixture& d) { assert_int_equal(truncate(d.dir().file("mfad.key").c_str(), 16), 0); }, "has 16"},
        {"", [](DaemonFixture& d) { mkdir(d.dir().file("state").c_str(), 0777); chmod(d.dir().file("state").c_str(), 0777); },
         "writable by group or others"},
        {"", [](DaemonFixture& d) { d.dir().write("mfad.sock", "not a socket"); }, "exists and is not a socket"},
    };
    for (const auto& c : cases) {
        DaemonFixture d({.extra_yaml = c.yaml});
        if (c.spoil) c.spoil(d);
        d.start();
        assert_int_equal(d.child().wait(std::chrono::seconds(5)), 1);
        assert_contains(d.log(), c.reason);
    }
}

void refuses_a_socket_another_daemon_serves_and_replaces_a_stale_one(void**) {
    DaemonFixture first;
    assert_true(first.start());
    Child second({MFAD_BIN, "--config", first.config_path()}, {"MFAD_LOG=stderr"}, first.dir().file("second.log"));
    assert_int_equal(second.wait(std::chrono::seconds(5)), 1);
    assert_contains(read_file(first.dir().file("second.log")), "another daemon is listening");

    first.child().signal(SIGKILL);  // leaves its socket file behind
    first.child().wait(std::chrono::seconds(5));
    Child third({MFAD_BIN, "--config", first.config_path()}, {"MFAD_LOG=stderr"}, first.dir().file("third.log"));
    assert_true(wait_for_socket(first.socket(), std::chrono::seconds(5)));
    assert_true(third.running());
}

void adopts_a_socket_from_systemd(void**) {
    TempDir outer;
    std::string activated = outer.file("activated.sock");
    DaemonFixture d({.wrapper = {"systemd-socket-activate", "-l", activated}, .socket_override = activated});
    assert_true(d.start());
    wire::ClientOptions options{activated, std::chrono::seconds(5), {0}};
    auto client = wire::Client::connect(options);
    if (!client) fail_msg("%s\nlog:\n%s", client.error().message.c_str(), d.log().c_str());
    auto ping = wire::encode_empty(wire::MessageType::ping, client->next_request_id());
    assert_true(client->call(ping).ok());
    assert_contains(d.log(), "listening on the socket systemd passed");
    // The configured path is ignored under activation.
    assert_int_equal(access(d.dir().file("mfad.sock").c_str(), F_OK), -1);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(ready_then_stopping_and_a_clean_exit),
        cmocka_unit_test(watchdog_is_pinged),
        cmocka_unit_test(sighup_applies_a_good_config_and_keeps_the_old_on_a_bad_one),
        cmocka_unit_test(reloads_racing_requests_are_safe),
        cmocka_unit_test(the_connection_cap_holds_and_frees),
        cmocka_unit_test(refuses_to_start_on_bad_setup),
        cmocka_unit_test(refuses_a_socket_another_daemon_serves_and_replaces_a_stale_one),
        cmocka_unit_test(adopts_a_socket_from_systemd),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
