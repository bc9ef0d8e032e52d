// OATH event tokens (RFC 4226) against a real mfad: enrollment by an admin
// from a key file, each code once and only ahead of the last (cross-checked
// with oathtool), racing logins, resync, 8-digit tokens, and who may enroll.
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <sstream>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"
#include "mfa/wire/client.hpp"
#include "mfa/wire/admin_messages.hpp"
#include "mfa/wire/factor_messages.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

DaemonFixture* fx = nullptr;
// RFC 4226 appendix D's key, "12345678901234567890".
const std::string kKeyHex = "3132333435363738393031323334353637383930";

int start(void**) {
    fx = new DaemonFixture({.users = {"tok1", "tok8", "racer", "plain"}});
    if (!fx->start()) return -1;
    fx->dir().write("token.hex", kKeyHex + "\n");
    fx->dir().write("short.hex", "31323334353637383930\n");
    return 0;
}

int stop(void**) {
    delete fx;
    return 0;
}

Finished mfactl(std::vector<std::string> args) {
    args.insert(args.begin(), {MFACTL_BIN, "--socket", fx->socket()});
    return run(args);
}

std::string audit(const std::string& user) { return mfactl({"audit", "list", "--user", user}).out; }

std::string code(std::uint64_t counter, int digits = 6) { return oathtool_hotp(kKeyHex, counter, digits); }

// Enrolls the RFC key for `user` and confirms it with counter 0's code.
void enroll_token(const std::string& user, const std::vector<std::string>& extra = {}, int digits = 6) {
    std::vector<std::string> args = {"enroll", "hotp", "--user", user, "--secret-file", fx->dir().file("token.hex")};
    args.insert(args.end(), extra.begin(), extra.end());
    auto started = mfactl(args);
    if (started.exit_code != 0) fail_msg("enroll hotp: %s", started.err.c_str());
    auto confirmed = mfactl({"enroll", "confirm", "--user", user, "--code", code(0, digits)});
    if (confirmed.exit_code != 0) fail_msg("confirm: %s", confirmed.err.c_str());
}

std::optional<MessageType> login_with(const std::string& user, const std::string& answer) {
    LoginClient login(fx->socket());
    if (login.begin(user) != MessageType::step) fail_msg("no code was asked of %s: %s", user.c_str(), login.last_error().c_str());
    return login.answer(answer);
}

void an_admin_enrolls_a_token_that_a_code_confirms(void**) {
    auto started = mfactl({"enroll", "hotp", "--user", "tok1", "--secret-file", fx->dir().file("token.hex")});
    assert_int_equal(started.exit_code, 0);
    assert_contains(started.out, "token \"token\" added for tok1");
    assert_contains(mfactl({"factors", "--user", "tok1"}).out, "pending");
    auto wrong = mfactl({"enroll", "confirm", "--user", "tok1", "--code", code(40)});  // far beyond the look-ahead
    assert_int_equal(wrong.exit_code, 1);
    assert_contains(wrong.err, "wrong code");
    assert_string_equal(code(0).c_str(), "755224");  // oathtool agrees with RFC 4226
    auto confirmed = mfactl({"enroll", "confirm", "--user", "tok1", "--code", code(0)});
    assert_int_equal(confirmed.exit_code, 0);
    auto factors = mfactl({"factors", "--user", "tok1"}).out;
    assert_contains(factors, "OATH token \"token\"");
    assert_contains(factors, "active");
    // The key file is never echoed, nor its key stored in the clear.
    assert_true(factors.find(kKeyHex) == std::string::npos);
    auto dump = fx->dump();
    assert_contains(dump, "tok1");  // the dump is real
    for (const std::string& key : {kKeyHex, std::string("12345678901234567890")}) assert_true(dump.find(key) == std::string::npos);
}

void each_code_counts_once_and_only_ahead(void**) {
    assert_true(login_with("tok1", code(1)) == MessageType::allow);
    assert_true(login_with("tok1", code(1)) == MessageType::step);   // the same press again: wrong code
    assert_true(login_with("tok1", code(5)) == MessageType::allow);  // presses 2-4 never reached a login
    assert_true(login_with("tok1", code(3)) == MessageType::step);   // behind the last one used
    // hotp.window (10): counters 6..16 are ahead of the last (5); 17 is not.
    assert_true(login_with("tok1", code(17)) == MessageType::step);
    assert_true(login_with("tok1", code(16)) == MessageType::allow);
    assert_contains(audit("tok1"), "verify_ok  tok1  ok");
}

// The codes for counters first.. first+count-1, from one oathtool run.
std::vector<std::string> codes_from(std::uint64_t first, int count) {
    auto out = run({"oathtool", "--hotp", "-c", std::to_string(first), "-w", std::to_string(count - 1), kKeyHex}, {"LD_PRELOAD="});
    std::vector<std::string> codes;
    std::istringstream lines(out.out);
    for (std::string line; std::getline(lines, line);) codes.push_back(line);
    if (static_cast<int>(codes.size()) != count) fail_msg("oathtool gave %zu codes", codes.size());
    return codes;
}

void racing_logins_with_one_code_let_one_in(void**) {
    enroll_token("racer");
    auto codes = codes_from(1, 1000);
    for (std::uint64_t counter = 1; counter <= 1000; ++counter) {
        auto race = race_one_code(fx->socket(), "racer", codes[counter - 1]);
        if (race.allowed != 1 || race.denied != 1)
            fail_msg("counter %llu: %d allowed, %d denied", static_cast<unsigned long long>(counter), race.allowed, race.denied);
    }
}

void resync_moves_the_counter_forward_only(void**) {
    // tok1's last code was 16; the token was pressed 400 times since.
    auto moved = mfactl({"admin", "resync", "--user", "tok1", "--code", code(400), "--code", code(401), "--reason", "T-7"});
    if (moved.exit_code != 0) fail_msg("%s", moved.err.c_str());
    assert_contains(moved.out, "resynchronized");
    assert_contains(audit("tok1"), "hotp_resync  tok1  ok");
    assert_contains(audit("tok1"), "factor=token counter=401");
    assert_true(login_with("tok1", code(401)) == MessageType::step);  // spent by the resync
    assert_true(login_with("tok1", code(402)) == MessageType::allow);

    auto apart = mfactl({"admin", "resync", "--user", "tok1", "--code", code(500), "--code", code(502)});
    assert_int_equal(apart.exit_code, 1);
    assert_contains(apart.err, "not consecutive codes");
    assert_contains(audit("tok1"), "hotp_resync  tok1  fail");
    auto back = mfactl({"admin", "resync", "--user", "tok1", "--code", code(300), "--code", code(301)});
    assert_int_equal(back.exit_code, 1);
    auto far = mfactl({"admin", "resync", "--user", "tok1", "--code", code(1500), "--code", code(1501)});
    assert_int_equal(far.exit_code, 1);
    assert_true(login_with("tok1", code(403)) == MessageType::allow);  // nothing moved
    auto none = mfactl({"admin", "resync", "--user", "plain", "--code", "123456", "--code", "654321"});
    assert_int_equal(none.exit_code, 1);
    assert_contains(none.err, "no such user in mfad: plain");  // never enrolled anything
}

void an_eight_digit_token(void**) {
    enroll_token("tok8", {"--digits", "8", "--name", "hw8"}, 8);
    assert_int_equal(code(1, 8).size(), 8);
    assert_true(login_with("tok8", code(1, 6)) == MessageType::step);
    assert_true(login_with("tok8", code(1, 8)) == MessageType::allow);
}

void the_same_token_twice_is_refused(void**) {
    auto twice = mfactl({"enroll", "hotp", "--user", "tok1", "--name", "again", "--secret-file", fx->dir().file("token.hex")});
    assert_int_equal(twice.exit_code, 1);
    assert_contains(twice.err, "this token is already enrolled for tok1 as \"token\"");
}

void weak_or_broken_keys_are_refused(void**) {
    auto weak = mfactl({"enroll", "hotp", "--user", "plain", "--secret-file", fx->dir().file("short.hex")});
    assert_int_equal(weak.exit_code, 1);
    assert_contains(weak.err, "16 to 64 bytes");
    fx->dir().write("odd.hex", "313");
    auto odd = mfactl({"enroll", "hotp", "--user", "plain", "--secret-file", fx->dir().file("odd.hex")});
    assert_int_equal(odd.exit_code, 1);
    assert_contains(odd.err, "not hex");
    auto missing = mfactl({"enroll", "hotp", "--user", "plain", "--secret-file", fx->dir().file("none")});
    assert_int_equal(missing.exit_code, 1);
    auto digits = mfactl({"enroll", "hotp", "--user", "plain", "--secret-file", fx->dir().file("token.hex"), "--digits", "9"});
    assert_int_equal(digits.exit_code, 2);
}

// A request sent as `user` (not root): the reply's error text, or "" when it was not refused.
std::string refusal_as(const std::string& user, const std::function<mfa::wire::FrameWriter()>& make_frame) {
    int pipe_fds[2];
    assert_int_equal(pipe(pipe_fds), 0);
    chmod(fx->dir().path().c_str(), 0711);
    pid_t pid = fork();
    if (pid == 0) {
        close(pipe_fds[0]);
        if (setgroups(0, nullptr) != 0 || setgid(20000) != 0 || setuid(fx->uid_of(user)) != 0) _exit(3);
        auto client = mfa::wire::Client::connect({fx->socket(), std::chrono::seconds(5), {0}});
        std::string error = !client ? "no connection" : "";
        if (client) {
            auto frame = make_frame();
            auto reply = client->call(frame);
            if (!reply) error = reply.error().message;
        }
        (void)!write(pipe_fds[1], error.data(), error.size());
        _exit(0);
    }
    close(pipe_fds[1]);
    std::string error;
    char buffer[512];
    for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) error.append(buffer, static_cast<std::size_t>(n));
    close(pipe_fds[0]);
    waitpid(pid, nullptr, 0);
    chmod(fx->dir().path().c_str(), 0700);
    return error;
}

// A token's key comes from whoever issued it; an import makes a factor
// active at once: neither is a user's to do for themselves.
void only_admins_enroll_tokens_and_only_root_imports(void**) {
    mfa::wire::EnrollStart start{"plain", "hotp", "", "", ""};
    start.secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    start.digits = 6;
    start.counter = 0;
    assert_contains(refusal_as("plain", [&] { return mfa::wire::encode(start, 1); }), "OATH tokens are enrolled by root");
    mfa::wire::ImportFactor import{"plain", "totp", "google-authenticator", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 6, 30, 1, 0,
                                   {}, "google-authenticator", true};
    assert_contains(refusal_as("plain", [&] { return mfa::wire::encode(import, 1); }), "only root imports");
    assert_contains(refusal_as("plain", [] { return mfa::wire::encode(mfa::wire::AdminRekey{std::string(52, 'A')}, 1); }),
                    "only root rotates");
    assert_contains(audit("plain"), "import  plain  unauthorized");
    LoginClient login(fx->socket());
    assert_true(login.begin("plain") == MessageType::not_enrolled);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_admin_enrolls_a_token_that_a_code_confirms),
        cmocka_unit_test(each_code_counts_once_and_only_ahead),
        cmocka_unit_test(racing_logins_with_one_code_let_one_in),
        cmocka_unit_test(resync_moves_the_counter_forward_only),
        cmocka_unit_test(an_eight_digit_token),
        cmocka_unit_test(the_same_token_twice_is_refused),
        cmocka_unit_test(weak_or_broken_keys_are_refused),
        cmocka_unit_test(only_admins_enroll_tokens_and_only_root_imports),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
