// The README's return-code table, row by row, under fail_mode=secure and
// fail_mode=open. fail_mode=open may let a login through only where mfad
// could not be reached or broke before it judged anything; whatever the
// person types, a login that timed out, and mfad's failures after the
// challenge are failed logins in both modes, and counted where mfad can.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include <string>

#include "cmocka.hpp"
#include "enrollment.hpp"
#include "fake_server.hpp"
#include "mfa/wire/login_messages.hpp"
#include "pam_call.hpp"
#include "raw_client.hpp"
#include "suite_daemon.hpp"

using namespace mfa;
using namespace mfa::test;

namespace {

const char* const kModes[] = {"secure", "open"};

// One user per row and mode, so no row's failures or replay state touch another's.
std::vector<std::string> row_users() {
    std::vector<std::string> names;
    for (const char* row : {"verified", "retry", "wrong", "gaveup", "locked", "notenrolled", "toolong", "notutf8",
                            "late", "changed", "badsecret", "oddname", "noconv"})
        for (const char* mode : kModes) names.push_back(std::string(row) + "-" + mode);
    return names;
}

int start_daemon(void**) {
    return start_suite_daemon({.extra_yaml = "lockout: { max_failures: 50, duration: 5m }\n",
                               .users = row_users(),
                               .fake_clock = true});
}

std::string user_for(const char* row, const char* mode) { return std::string(row) + "-" + mode; }

std::vector<std::string> args(const char* mode, const std::string& socket, std::vector<std::string> more = {}) {
    more.push_back("socket=" + socket);
    more.push_back(std::string("fail_mode=") + mode);
    return more;
}

std::string daemon_socket() { return suite_daemon().socket(); }

int failures_of(const std::string& user) {
    return std::stoi(suite_sql("SELECT failures FROM users WHERE name = '" + user + "'"));
}

// Runs `row` once per mode; `expected` is {secure, open}.
template <class Row>
void both_modes(Row row, int expected_secure, int expected_open) {
    assert_int_equal(row("secure"), expected_secure);
    assert_int_equal(row("open"), expected_open);
}

void a_verified_code_succeeds(void**) {
    both_modes([](const char* mode) {
        auto secret = enroll_user(daemon_socket(), user_for("verified", mode));
        return call_pam_mfa(user_for("verified", mode), args(mode, daemon_socket()), {oathtool_code(secret, unix_now())}).rc;
    }, PAM_SUCCESS, PAM_SUCCESS);
}

void a_wrong_code_with_tries_left_asks_again(void**) {
    both_modes([](const char* mode) {
        auto secret = enroll_user(daemon_socket(), user_for("retry", mode));
        auto right = oathtool_code(secret, unix_now());
        auto call = call_pam_mfa(user_for("retry", mode), args(mode, daemon_socket()), {right == "000000" ? "111111" : "000000", right});
        assert_int_equal(call.prompts, 2);
        assert_contains(call.errors, "Wrong code, try again.");
        return call.rc;
    }, PAM_SUCCESS, PAM_SUCCESS);
}

void all_tries_wrong_is_maxtries(void**) {
    both_modes([](const char* mode) {
        auto user = user_for("wrong", mode);
        enroll_user(daemon_socket(), user);
        auto three = call_pam_mfa(user, args(mode, daemon_socket()), {"000000x", "000001x", "000002x"});
        assert_int_equal(failures_of(user), 3);
        auto one = call_pam_mfa(user, args(mode, daemon_socket(), {"tries=1"}), {"000003x"});
        assert_int_equal(one.rc, PAM_AUTH_ERR);
        return three.rc;
    }, PAM_MAXTRIES, PAM_MAXTRIES);
}

void an_empty_answer_gives_up(void**) {
    both_modes([](const char* mode) {
        enroll_user(daemon_socket(), user_for("gaveup", mode));
        return call_pam_mfa(user_for("gaveup", mode), args(mode, daemon_socket()), {""}).rc;
    }, PAM_AUTH_ERR, PAM_AUTH_ERR);
}

void a_failed_conversation_is_a_conversation_error(void**) {
    both_modes([](const char* mode) {
        enroll_user(daemon_socket(), user_for("noconv", mode));
        return call_pam_mfa(user_for("noconv", mode), args(mode, daemon_socket()), {}).rc;  // no answer given
    }, PAM_CONV_ERR, PAM_CONV_ERR);
}

void a_locked_account_is_refused(void**) {
    both_modes([](const char* mode) {
        auto user = user_for("locked", mode);
        auto secret = enroll_user(daemon_socket(), user);
        suite_sql("UPDATE users SET locked_until = " + std::to_string(unix_now() + 300) + " WHERE name = '" + user + "'");
        auto call = call_pam_mfa(user, args(mode, daemon_socket()), {oathtool_code(secret, unix_now())});
        assert_contains(call.errors, "locked for 5 minutes");
        return call.rc;
    }, PAM_AUTH_ERR, PAM_AUTH_ERR);
}

void not_enrolled_is_ignored_only_with_nullok(void**) {
    both_modes([](const char* mode) {
        auto user = user_for("notenrolled", mode);
        assert_int_equal(call_pam_mfa(user, args(mode, daemon_socket(), {"nullok"})).rc, PAM_IGNORE);
        return call_pam_mfa(user, args(mode, daemon_socket())).rc;
    }, PAM_AUTH_ERR, PAM_AUTH_ERR);
}

// NSS does not know the name, or it is no name at all: never "not enrolled", nullok or not.
void an_unknown_or_odd_user_is_unknown(void**) {
    both_modes([](const char* mode) {
        assert_int_equal(call_pam_mfa("nobody-known-here", args(mode, daemon_socket(), {"nullok"})).rc, PAM_USER_UNKNOWN);
        assert_int_equal(call_pam_mfa(" oddname-" + std::string(mode), args(mode, daemon_socket(), {"nullok"})).rc,
                         PAM_USER_UNKNOWN);
        assert_int_equal(call_pam_mfa("ODDNAME-" + std::string(mode), args(mode, daemon_socket(), {"nullok"})).rc,
                         PAM_USER_UNKNOWN);
        return call_pam_mfa("odd\x1bname", args(mode, daemon_socket(), {"nullok"})).rc;
    }, PAM_USER_UNKNOWN, PAM_USER_UNKNOWN);
}

// An answer no code can be, made from the user's secret: the module does not
// send it as typed, and mfad counts one failure.
template <class MakeAnswer>
void unusable_answer_row(const char* row, MakeAnswer make_answer) {
    both_modes([&](const char* mode) {
        auto user = user_for(row, mode);
        auto secret = enroll_user(daemon_socket(), user);
        auto call = call_pam_mfa(user, args(mode, daemon_socket(), {"tries=1"}), {make_answer(secret)});
        assert_int_equal(failures_of(user), 1);
        return call.rc;
    }, PAM_AUTH_ERR, PAM_AUTH_ERR);
}

void an_over_long_answer_is_a_counted_failure(void**) {
    // The right code with 59 more digits.
    unusable_answer_row("toolong", [](const std::string& secret) {
        return oathtool_code(secret, unix_now()) + std::string(59, '1');
    });
}

void a_non_utf8_answer_is_a_counted_failure(void**) {
    unusable_answer_row("notutf8", [](const std::string&) { return std::string("12\xff\xfe" "34"); });
}

// The person answers after connections.login_timeout: mfad's clock is moved
// past it while the prompt is up. A right code, too late, is a failure.
void an_answer_after_the_login_timeout_is_a_counted_failure(void**) {
    both_modes([](const char* mode) {
        auto user = user_for("late", mode);
        auto secret = enroll_user(daemon_socket(), user);
        auto code = oathtool_code(secret, unix_now());
        auto call = call_pam_mfa(user, args(mode, daemon_socket()), {code, code, code}, 0, "pam_sm_authenticate",
                                 [] { suite_daemon().shift_clock(200); });
        suite_daemon().shift_clock(0);
        assert_int_equal(call.prompts, 1);  // a final verdict: no second prompt
        assert_contains(call.errors, "timed out");
        assert_int_equal(failures_of(user), 1);
        assert_str_eq(suite_sql("SELECT detail FROM audit WHERE user = '" + user + "' AND event = 'verify_fail'"),
                      "expired\n");
        return call.rc;
    }, PAM_AUTH_ERR, PAM_AUTH_ERR);
}

// An admin resets the user and a new authenticator is enrolled while the login
// waits at the prompt: the waiting login is denied and audited, even with nullok.
void a_factor_changed_under_a_waiting_login_is_denied(void**) {
    both_modes([](const char* mode) {
        auto user = user_for("changed", mode);
        auto old_secret = enroll_user(daemon_socket(), user);
        auto code = oathtool_code(old_secret, unix_now());
        auto call = call_pam_mfa(user, args(mode, daemon_socket(), {"nullok"}), {code}, 0, "pam_sm_authenticate", [&] {
            assert_int_equal(suite_mfactl({"admin", "reset", "--user", user, "--reason", "test"}).exit_code, 0);
            enroll_user(daemon_socket(), user);
        });
        assert_contains(call.errors, "changed during this login");
        assert_str_eq(suite_sql("SELECT count(*) FROM audit WHERE user = '" + user +
                                "' AND event = 'verify_fail' AND result = 'factor_changed'"),
                      "1\n");
        return call.rc;
    }, PAM_AUTH_ERR, PAM_AUTH_ERR);
}

// mfad fails on the answer itself (here: a sealed secret that no longer opens).
void mfads_own_error_on_an_answer_is_a_failed_login(void**) {
    both_modes([](const char* mode) {
        auto user = user_for("badsecret", mode);
        auto secret = enroll_user(daemon_socket(), user);
        suite_sql("UPDATE factors SET sealed_secret = zeroblob(60) WHERE user_id = (SELECT id FROM users WHERE name = '" +
                  user + "')");
        auto call = call_pam_mfa(user, args(mode, daemon_socket()), {oathtool_code(secret, unix_now())});
        assert_str_eq(suite_sql("SELECT count(*) FROM audit WHERE user = '" + user +
                                "' AND event = 'verify_fail' AND result = 'internal_error'"),
                      "1\n");
        return call.rc;
    }, PAM_AUTH_ERR, PAM_AUTH_ERR);
}

// The rows of a broken or absent daemon, before it judged anything: the only
// ones fail_mode=open lets through.
void mfad_unreachable_before_judging_is_the_fail_mode(void**) {
    TempDir dir;
    std::string absent = dir.file("absent.sock");
    both_modes([&](const char* mode) { return call_pam_mfa("alice", args(mode, absent), {"123456"}).rc; },
               PAM_AUTHINFO_UNAVAIL, PAM_IGNORE);
    {
        FakeServer hung(dir.file("hung.sock"), FakeServer::Mode::hang);
        both_modes([&](const char* mode) {
            return call_pam_mfa("alice", args(mode, dir.file("hung.sock"), {"timeout=1"}), {"123456"}).rc;
        }, PAM_AUTHINFO_UNAVAIL, PAM_IGNORE);
    }
    {
        FakeServer garbage(dir.file("garbage.sock"), FakeServer::Mode::garbage);
        both_modes([&](const char* mode) { return call_pam_mfa("alice", args(mode, dir.file("garbage.sock")), {"123456"}).rc; },
                   PAM_AUTHINFO_UNAVAIL, PAM_IGNORE);
    }
    {
        FakeServer impostor(dir.file("foreign.sock"), FakeServer::Mode::hang);
        assert_int_equal(chown(dir.file("foreign.sock").c_str(), 4242, 4242), 0);
        both_modes([&](const char* mode) { return call_pam_mfa("alice", args(mode, dir.file("foreign.sock")), {"123456"}).rc; },
                   PAM_AUTHINFO_UNAVAIL, PAM_IGNORE);
    }
    {  // an mfad of the previous release (protocol 1) refuses this module's HELLO
        auto mismatch = wire::encode(
            wire::ErrorReply{wire::ErrorCode::version_mismatch, "mfad speaks protocol 1..1, the client 2..2"}, 1);
        FakeServer fake(dir.file("old.sock"), {frame_bytes(mismatch)});
        both_modes([&](const char* mode) { return call_pam_mfa("alice", args(mode, dir.file("old.sock")), {"123456"}).rc; },
                   PAM_AUTHINFO_UNAVAIL, PAM_IGNORE);
    }
    {
        auto hello_ok = wire::encode(wire::HelloOk{wire::kProtocolMax, "fake"}, 1);
        auto internal = wire::encode(wire::ErrorReply{wire::ErrorCode::internal, "store down"}, 2);
        FakeServer fake(dir.file("internal.sock"), {frame_bytes(hello_ok), frame_bytes(internal)});
        both_modes([&](const char* mode) { return call_pam_mfa("alice", args(mode, dir.file("internal.sock")), {"123456"}).rc; },
                   PAM_AUTHINFO_UNAVAIL, PAM_IGNORE);
    }
}

// A scripted mfad: HELLO_OK, then `reply` to BEGIN, then `verdict` to the ANSWER.
int scripted(const char* mode, const std::string& path, std::vector<std::vector<std::uint8_t>> replies) {
    FakeServer fake(path, std::move(replies));
    return call_pam_mfa("alice", args(mode, path, {"timeout=2"}), {"123456"}).rc;
}

// mfad answers but its store does not (a database out of reach, perhaps cut
// off on purpose): denied as unavailable in both modes, never stepped aside.
void a_store_out_of_reach_is_denied_in_both_modes(void**) {
    TempDir dir;
    auto hello_ok = wire::encode(wire::HelloOk{wire::kProtocolMax, "fake"}, 1);
    auto outage = wire::encode(wire::ErrorReply{wire::ErrorCode::store_unavailable, "the store is unreachable"}, 2);
    both_modes([&](const char* mode) { return scripted(mode, dir.file("s.sock"), {frame_bytes(hello_ok), frame_bytes(outage)}); },
               PAM_AUTHINFO_UNAVAIL, PAM_AUTHINFO_UNAVAIL);
}

void mfad_refusing_the_caller_is_denied(void**) {
    TempDir dir;
    auto hello_ok = wire::encode(wire::HelloOk{wire::kProtocolMax, "fake"}, 1);
    auto refused = wire::encode(wire::ErrorReply{wire::ErrorCode::permission_denied, "permission denied"}, 2);
    both_modes([&](const char* mode) { return scripted(mode, dir.file("s.sock"), {frame_bytes(hello_ok), frame_bytes(refused)}); },
               PAM_AUTH_ERR, PAM_AUTH_ERR);
}

// After the challenge: an ERROR, a hang-up or silence past the timeout is a failed login.
void no_verdict_after_the_challenge_is_denied(void**) {
    TempDir dir;
    auto hello_ok = wire::encode(wire::HelloOk{wire::kProtocolMax, "fake"}, 1);
    auto challenge = wire::encode(wire::Step{7, "", "", "Code: ", false}, 2);
    auto internal = wire::encode(wire::ErrorReply{wire::ErrorCode::internal, "secret failed to open"}, 3);
    auto malformed = wire::encode(wire::ErrorReply{wire::ErrorCode::malformed, "payload: code too long"}, 3);
    auto not_enrolled = wire::encode_empty(wire::MessageType::not_enrolled, 3);
    for (auto* verdict : {&internal, &malformed, &not_enrolled})
        both_modes([&](const char* mode) {
            return scripted(mode, dir.file("s.sock"), {frame_bytes(hello_ok), frame_bytes(challenge), frame_bytes(*verdict)});
        }, PAM_AUTH_ERR, PAM_AUTH_ERR);
    both_modes([&](const char* mode) {
        return scripted(mode, dir.file("s.sock"), {frame_bytes(hello_ok), frame_bytes(challenge), {}});
    }, PAM_AUTH_ERR, PAM_AUTH_ERR);
    both_modes([&](const char* mode) {  // the script ends: mfad says nothing more
        return scripted(mode, dir.file("s.sock"), {frame_bytes(hello_ok), frame_bytes(challenge)});
    }, PAM_AUTH_ERR, PAM_AUTH_ERR);
}

// mfad judges at BEGIN that the only factor cannot be used (a phone alone and
// no text could go out: the sender down, a cap reached): DENY, never
// "unavailable", so fail_mode=open does not let the password alone in.
void a_deny_at_begin_is_a_failure_in_both_modes(void**) {
    TempDir dir;
    auto hello_ok = wire::encode(wire::HelloOk{wire::kProtocolMax, "fake"}, 1);
    auto deny = wire::encode(wire::Deny{"The text message could not be sent.", false}, 2);
    both_modes([&](const char* mode) { return scripted(mode, dir.file("s.sock"), {frame_bytes(hello_ok), frame_bytes(deny)}); },
               PAM_AUTH_ERR, PAM_AUTH_ERR);

    DaemonFixture fx({.sender = true});
    assert_true(fx.start());
    auto enroll = run({MFACTL_BIN, "--socket", fx.socket(), "enroll", "sms", "--user", "fern", "--phone", "+14155550123"});
    assert_int_equal(enroll.exit_code, 0);
    assert_int_equal(run({MFACTL_BIN, "--socket", fx.socket(), "enroll", "confirm", "--user", "fern", "--code",
                          fx.last_sms_code()}).exit_code,
                     0);
    fx.sender()->signal(SIGKILL);
    fx.sender()->wait(std::chrono::seconds(5));
    both_modes([&](const char* mode) {
        auto login = call_pam_mfa("fern", args(mode, fx.socket()), {"000000"});
        assert_contains(login.errors, "could not be sent");
        return login.rc;
    }, PAM_AUTH_ERR, PAM_AUTH_ERR);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_verified_code_succeeds),
        cmocka_unit_test(a_deny_at_begin_is_a_failure_in_both_modes),
        cmocka_unit_test(a_wrong_code_with_tries_left_asks_again),
        cmocka_unit_test(all_tries_wrong_is_maxtries),
        cmocka_unit_test(an_empty_answer_gives_up),
        cmocka_unit_test(a_failed_conversation_is_a_conversation_error),
        cmocka_unit_test(a_locked_account_is_refused),
        cmocka_unit_test(not_enrolled_is_ignored_only_with_nullok),
        cmocka_unit_test(an_unknown_or_odd_user_is_unknown),
        cmocka_unit_test(an_over_long_answer_is_a_counted_failure),
        cmocka_unit_test(a_non_utf8_answer_is_a_counted_failure),
        cmocka_unit_test(an_answer_after_the_login_timeout_is_a_counted_failure),
        cmocka_unit_test(a_factor_changed_under_a_waiting_login_is_denied),
        cmocka_unit_test(mfads_own_error_on_an_answer_is_a_failed_login),
        cmocka_unit_test(mfad_unreachable_before_judging_is_the_fail_mode),
        cmocka_unit_test(mfad_refusing_the_caller_is_denied),
        cmocka_unit_test(a_store_out_of_reach_is_denied_in_both_modes),
        cmocka_unit_test(no_verdict_after_the_challenge_is_denied),
    };
    return cmocka_run_group_tests(tests, start_daemon, stop_suite_daemon);
}
