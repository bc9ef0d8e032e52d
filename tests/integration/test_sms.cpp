// SMS codes and the factor menu against a real mfad and mfad-notify, the
// command provider recording each message: enrollment, the menu, expiry,
// tries, resend, every cap, racing logins, the sender down or slow, and the
// number never in clear outside the provider.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"
#include "mfa/wire/client.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "mfa/wire/messages.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

constexpr const char* kPhone = "+14155550123";
constexpr const char* kDigits = "4155550123";  // what must never show outside the provider

Finished mfactl(DaemonFixture& fx, std::vector<std::string> args) {
    args.insert(args.begin(), {MFACTL_BIN, "--socket", fx.socket()});
    return run(args);
}

void started(DaemonFixture& fx) {
    if (!fx.start()) fail_msg("mfad or mfad-notify did not start: %s", fx.log().c_str());
}

// Enrolls and confirms `user`'s phone; returns after the confirming code was used.
void enroll_phone(DaemonFixture& fx, const std::string& user, const std::string& phone = kPhone) {
    auto sent = mfactl(fx, {"enroll", "sms", "--user", user, "--phone", phone});
    if (sent.exit_code != 0) fail_msg("enroll sms: %s", sent.err.c_str());
    auto confirmed = mfactl(fx, {"enroll", "confirm", "--user", user, "--factor", "sms", "--code", fx.last_sms_code()});
    if (confirmed.exit_code != 0) fail_msg("confirm: %s", confirmed.err.c_str());
}

std::string sql(DaemonFixture& fx, const std::string& query) { return fx.sql(query).out; }

void enrolls_a_phone_and_logs_in_with_a_text_message(void**) {
    DaemonFixture fx({.sender = true});
    started(fx);
    auto sent = mfactl(fx, {"enroll", "sms", "--user", "alice", "--phone", "+1 (415) 555-0123"});
    assert_int_equal(sent.exit_code, 0);
    assert_contains(sent.out, "A code was sent to +1\u2022\u2022\u2022\u2022\u2022\u2022\u2022123");
    // The provider got the number in E.164 as its argument and the text on stdin.
    auto outbox = fx.outbox();
    assert_int_equal(outbox.size(), 1);
    assert_true(outbox[0].rfind(std::string(kPhone) + "\tYour mfad login code is ", 0) == 0);
    std::string code = fx.last_sms_code();
    assert_int_equal(code.size(), 6);
    // Pending until confirmed: the login does not know the phone yet.
    assert_true(LoginClient(fx.socket()).begin("alice") == MessageType::not_enrolled);
    assert_int_equal(mfactl(fx, {"enroll", "confirm", "--user", "alice", "--code", code}).exit_code, 0);

    // A phone alone: BEGIN sends the code and asks for it.
    LoginClient login(fx.socket());
    assert_true(login.begin("alice") == MessageType::step);
    assert_contains(login.last_info(), "A code was sent to +1\u2022\u2022\u2022\u2022\u2022\u2022\u2022123");
    assert_contains(login.last_prompt(), "text message");
    assert_int_equal(fx.outbox().size(), 2);
    assert_true(login.answer(fx.last_sms_code()) == MessageType::allow);
    // Audited with the masked number and the provider's message id.
    auto rows = sql(fx, "SELECT event, result, detail FROM audit WHERE event LIKE 'sms_%' ORDER BY id");
    assert_contains(rows, "sms_sent|ok|to=+1\u2022\u2022\u2022\u2022\u2022\u2022\u2022123 correlation=");
    assert_contains(rows, "message_id=id-");
    assert_contains(sql(fx, "SELECT detail FROM audit WHERE event = 'verify_ok'"), "factor=sms");
    assert_contains(fx.sender_log(), "sent MFA_CHANNEL=sms MFA_CORRELATION=2 MFA_MESSAGE_ID=id-");
    auto stats = nlohmann::json::parse(mfactl(fx, {"--json", "stats"}).out);
    assert_int_equal(stats.at("mfad_sms_sent_total").get<int>(), 2);
}

void the_menu_offers_every_factor_and_enter_picks_the_primary(void**) {
    DaemonFixture fx({.extra_yaml = "lockout: { max_failures: 20, duration: 5m }\n", .sender = true});
    started(fx);
    std::string secret = enroll_user(fx.socket(), "bob", "phone");
    enroll_phone(fx, "bob");
    auto codes = new_backup_codes(fx.socket(), "bob");

    LoginClient menu(fx.socket());
    assert_true(menu.begin("bob") == MessageType::step);
    assert_contains(menu.last_info(), "Second factor for bob:");
    assert_contains(menu.last_info(), "1) authenticator app \"phone\" (default)");
    assert_contains(menu.last_info(), "2) text message to +1\u2022\u2022\u2022\u2022\u2022\u2022\u2022123");
    assert_contains(menu.last_info(), "3) backup code");
    assert_contains(menu.last_prompt(), "Choose 1-3 (Enter: 1), or type a code");
    // Enter: the primary, the authenticator app.
    assert_true(menu.answer("") == MessageType::step);
    assert_str_eq(menu.last_prompt(), "Verification code: ");
    assert_true(menu.answer(oathtool_code(secret, unix_now())) == MessageType::allow);

    // 2: a text message is sent, and its code logs in.
    LoginClient sms(fx.socket());
    assert_true(sms.begin("bob") == MessageType::step);
    auto before = fx.outbox().size();
    assert_true(sms.answer("2") == MessageType::step);
    assert_int_equal(fx.outbox().size(), before + 1);
    assert_true(sms.answer(fx.last_sms_code()) == MessageType::allow);

    // A code typed at the menu skips it: the next step's code and a backup code.
    LoginClient typed(fx.socket());
    assert_true(typed.begin("bob") == MessageType::step);
    assert_true(typed.answer(oathtool_code(secret, unix_now() + 30)) == MessageType::allow);
    LoginClient backup(fx.socket());
    assert_true(backup.begin("bob") == MessageType::step);
    assert_true(backup.answer(codes[0]) == MessageType::allow);

    // Wrong answers count toward tries; a choice does not.
    LoginClient wrong(fx.socket());
    assert_true(wrong.begin("bob", 2) == MessageType::step);
    assert_true(wrong.answer("000000") == MessageType::step);
    assert_str_eq(wrong.last_message(), "Wrong code, try again.");
    assert_contains(wrong.last_info(), "Second factor for bob:");  // the menu again
    assert_true(wrong.answer("1") == MessageType::step);             // a choice: not counted
    assert_true(wrong.answer("111111") == MessageType::deny);       // the second wrong answer
    assert_str_eq(sql(fx, "SELECT failures FROM users WHERE name = 'bob'").c_str(), "2\n");

    // The primary can change, and the menu follows.
    assert_int_equal(mfactl(fx, {"factor", "primary", "sms", "--user", "bob"}).exit_code, 0);
    LoginClient after(fx.socket());
    assert_true(after.begin("bob") == MessageType::step);
    assert_contains(after.last_info(), "1) text message to +1\u2022\u2022\u2022\u2022\u2022\u2022\u2022123 (default)");
    auto listed = nlohmann::json::parse(mfactl(fx, {"--json", "factors", "--user", "bob"}).out);
    assert_int_equal(listed.at("factors").size(), 3);
    assert_str_eq(listed["factors"][1]["name"].get<std::string>().c_str(), "sms");
    assert_true(listed["factors"][1]["primary"].get<bool>());
    assert_false(listed["factors"][1]["last_used_at"].is_null());
}

void a_code_expires_after_code_ttl(void**) {
    DaemonFixture fx({.fake_clock = true, .sender = true, .sms_extra = "  code_ttl: 1m\n"});
    started(fx);
    enroll_phone(fx, "carol");
    LoginClient login(fx.socket());
    assert_true(login.begin("carol") == MessageType::step);
    std::string code = fx.last_sms_code();
    fx.shift_clock(61);  // past the code's minute, within the login's two
    assert_true(login.answer(code) == MessageType::step);
    assert_str_eq(login.last_message(), "That code can no longer be used; type r for a new one.");
    // r: a new code, which works.
    assert_true(login.answer("r") == MessageType::step);
    assert_contains(login.last_info(), "A code was sent");
    assert_true(login.answer(fx.last_sms_code()) == MessageType::allow);
}

void three_tries_per_code_and_no_early_resend(void**) {
    DaemonFixture fx({.extra_yaml = "lockout: { max_failures: 20, duration: 5m }\n", .fake_clock = true, .sender = true});
    started(fx);
    enroll_phone(fx, "dave");
    LoginClient login(fx.socket());
    assert_true(login.begin("dave") == MessageType::step);
    std::string code = fx.last_sms_code();
    std::string wrong = code == "000000" ? "000001" : "000000";
    for (int i = 0; i < 3; ++i) {
        assert_true(login.answer(wrong) == MessageType::step);
        assert_str_eq(login.last_message(), "Wrong code, try again.");
    }
    // The right code after three wrong ones: that code is spent.
    assert_true(login.answer(code) == MessageType::step);
    assert_str_eq(login.last_message(), "That code can no longer be used; type r for a new one.");
    // A spent code holds nothing back: r sends a new one at once.
    auto sent = fx.outbox().size();
    assert_true(login.answer("r") == MessageType::step);
    assert_int_equal(fx.outbox().size(), sent + 1);
    // A resend sooner than resend_after (30 s) while that one is outstanding
    // is refused, and not counted as a try.
    assert_true(login.answer("r") == MessageType::step);
    assert_contains(login.last_info(), "A code was sent moments ago");
    assert_int_equal(fx.outbox().size(), sent + 1);
    fx.shift_clock(31);
    assert_true(login.answer("r") == MessageType::step);
    assert_int_equal(fx.outbox().size(), sent + 2);
    assert_true(login.answer(fx.last_sms_code()) == MessageType::allow);
    assert_contains(sql(fx, "SELECT result FROM audit WHERE event = 'sms_refused'"), "too_soon");
}

// Sends for `user` until one is refused; returns how many went out.
int sends_until_refused(DaemonFixture& fx, const std::string& user, int limit = 50) {
    for (int sent = 0; sent < limit; ++sent) {
        auto before = fx.outbox().size();
        LoginClient login(fx.socket());
        auto reply = login.begin(user);
        if (fx.outbox().size() == before) {
            // A phone alone and no code to send: the login ends, and says why.
            assert_true(reply == MessageType::deny);
            assert_contains(login.last_message(), "ext messages");
            return sent;
        }
        assert_true(reply == MessageType::step);
    }
    return limit;
}

void each_cap_engages_at_exactly_its_number(void**) {
    struct Case {
        std::string caps;
        std::string refused;
    };
    const std::vector<Case> cases = {
        {"  max_per_user_per_hour: 3\n", "user_hourly_cap"},
        {"  max_per_user_per_day: 4\n", "user_daily_cap"},
        {"  max_per_number_per_day: 5\n", "number_daily_cap"},
        {"  max_per_hour: 6\n", "global_hourly_cap"},
    };
    int expected = 3;
    for (const auto& c : cases) {
        DaemonFixture fx({.sender = true, .sms_extra = "  resend_after: 0s\n" + c.caps});
        started(fx);
        // Two users on one number: the per-number and global caps count both.
        enroll_phone(fx, "erin");
        enroll_phone(fx, "fay");
        int confirmations = 2;
        int before_erin = static_cast<int>(fx.outbox().size());
        int erin = sends_until_refused(fx, "erin");
        int fay = c.refused == "user_hourly_cap" || c.refused == "user_daily_cap" ? 0 : sends_until_refused(fx, "fay");
        if (c.refused == "user_hourly_cap" || c.refused == "user_daily_cap")
            assert_int_equal(1 + erin, expected);  // erin's confirmation counts toward her own caps
        else if (c.refused == "number_daily_cap")
            assert_int_equal(erin + fay, expected);  // logins only: enrollments have a budget of their own
        else
            assert_int_equal(confirmations + erin + fay, expected);
        (void)before_erin;
        assert_contains(sql(fx, "SELECT result FROM audit WHERE event = 'sms_refused'"), c.refused);
        auto stats = nlohmann::json::parse(mfactl(fx, {"--json", "stats"}).out);
        assert_true(stats.at("mfad_sms_rate_limited_total").get<int>() >= 1);
        ++expected;
    }
}

// Anyone may try to enroll any number, but the texts that reach a stranger's
// phone that way come from a budget of their own: the stranger's logins still get theirs.
void enrolling_a_strangers_number_spends_no_login_texts(void**) {
    DaemonFixture fx({.sender = true, .sms_extra = "  resend_after: 0s\n  max_per_number_per_day: 3\n"});
    started(fx);
    enroll_phone(fx, "zoe");
    for (const char* stranger : {"wendy", "xavier", "yann", "race"}) {
        auto r = mfactl(fx, {"enroll", "sms", "--user", stranger, "--phone", kPhone});
        if (std::string(stranger) == "race") {
            assert_int_equal(r.exit_code, 1);  // the enrollment budget of that number is spent
            assert_contains(r.err, "Too many text messages");
        }
    }
    auto before = fx.outbox().size();
    LoginClient login(fx.socket());
    assert_true(login.begin("zoe") == MessageType::step);
    assert_int_equal(fx.outbox().size(), before + 1);
    assert_true(login.answer(fx.last_sms_code()) == MessageType::allow);
}

void two_logins_racing_one_sms_code_win_once(void**) {
    DaemonFixture fx({.sender = true,
                      .sms_extra = "  resend_after: 0s\n  max_per_user_per_hour: 10000\n  max_per_user_per_day: 10000\n"
                                   "  max_per_number_per_day: 10000\n  max_per_hour: 100000\n"});
    started(fx);
    enroll_phone(fx, "grace");
    int wins = 0, losses = 0;
    for (int round = 0; round < 1000; ++round) {
        // Both logins send a code; the second voids the first, and both answer it.
        auto result = race_one_code(fx.socket(), "grace", [&fx] { return fx.last_sms_code(); });
        if (result.allowed != 1) fail_msg("round %d: %d allowed, %d denied; %s", round, result.allowed, result.denied, fx.log().c_str());
        wins += result.allowed;
        losses += result.denied;
    }
    assert_int_equal(wins, 1000);
    assert_int_equal(losses, 1000);
}

void the_sender_down_or_slow_fails_only_the_sms_step(void**) {
    DaemonFixture fx({.sender = true});
    started(fx);
    std::string secret = enroll_user(fx.socket(), "hal");
    enroll_phone(fx, "hal");
    fx.sender()->signal(SIGKILL);
    fx.sender()->wait(std::chrono::seconds(5));
    LoginClient login(fx.socket());
    assert_true(login.begin("hal") == MessageType::step);
    assert_true(login.answer("2") == MessageType::step);
    assert_str_eq(login.last_message(), "The text message could not be sent; use another factor or try again later.");
    assert_contains(login.last_info(), "Second factor for hal:");  // back at the menu, nothing counted
    assert_true(login.answer("1") == MessageType::step);
    assert_true(login.answer(oathtool_code(secret, unix_now())) == MessageType::allow);
    assert_contains(sql(fx, "SELECT detail FROM audit WHERE event = 'sms_failed'"), "reason=mfad-notify is not running");
    assert_str_eq(sql(fx, "SELECT failures FROM users WHERE name = 'hal'").c_str(), "0\n");
}

void a_hung_provider_blocks_no_other_login(void**) {
    DaemonFixture fx({.sender = true});
    // The provider hangs: the sender kills it after sms.timeout (2 s).
    fx.dir().write("hang-sms", "#!/bin/sh\nsleep 30\n");
    chmod(fx.dir().file("hang-sms").c_str(), 0755);
    started(fx);
    std::string secret = enroll_user(fx.socket(), "ida");
    auto ida_phone = mfactl(fx, {"enroll", "sms", "--user", "ida", "--phone", kPhone});
    assert_int_equal(ida_phone.exit_code, 0);
    assert_int_equal(mfactl(fx, {"enroll", "confirm", "--user", "ida", "--factor", "sms", "--code", fx.last_sms_code()}).exit_code, 0);
    std::string other = enroll_user(fx.socket(), "ivan");
    fx.write_config("");  // unchanged; the hanging script replaces the recorder below
    std::rename(fx.dir().file("hang-sms").c_str(), fx.dir().file("send-sms").c_str());

    std::optional<MessageType> sms_step;
    std::string sms_message;
    auto began = std::chrono::steady_clock::now();
    std::thread slow([&] {
        LoginClient login(fx.socket());
        if (login.begin("ida") != MessageType::step) return;
        sms_step = login.answer("2");
        sms_message = login.last_message();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    // Meanwhile another login goes through at once.
    auto other_began = std::chrono::steady_clock::now();
    LoginClient quick(fx.socket());
    assert_true(quick.begin("ivan") == MessageType::step);
    assert_true(quick.answer(oathtool_code(other, unix_now())) == MessageType::allow);
    assert_true(std::chrono::steady_clock::now() - other_began < std::chrono::seconds(1));
    slow.join();
    assert_true(sms_step == MessageType::step);
    assert_str_eq(sms_message.c_str(), "The text message could not be sent; use another factor or try again later.");
    assert_true(std::chrono::steady_clock::now() - began < std::chrono::seconds(4));
    assert_contains(sql(fx, "SELECT detail FROM audit WHERE event = 'sms_failed'"), "was killed");
}

void the_phone_is_never_in_clear(void**) {
    DaemonFixture fx({.sender = true});
    started(fx);
    enroll_phone(fx, "kim");
    LoginClient login(fx.socket());
    assert_true(login.begin("kim") == MessageType::step);
    assert_true(login.answer(fx.last_sms_code()) == MessageType::allow);
    std::string dump = fx.dump();
    assert_true(dump.find("sms_sent") != std::string::npos);  // the dump is real
    for (const std::string& where : {dump, fx.log(), fx.sender_log(), mfactl(fx, {"stats"}).out,
                                     mfactl(fx, {"--json", "factors", "--user", "kim"}).out,
                                     mfactl(fx, {"audit", "list", "--user", "kim"}).out})
        if (where.find(kDigits) != std::string::npos || where.find("415555") != std::string::npos)
            fail_msg("the number in clear: %s", where.c_str());
    assert_true(fx.outbox().front().find(kPhone) == 0);  // only the provider had it
}

void numbers_are_parsed_and_refused_clearly(void**) {
    DaemonFixture fx({.sender = true});
    started(fx);
    const std::vector<std::pair<std::string, std::string>> refused = {
        {"+19005550123", "premium-rate"},
        {"4155550123", "international form"},
        {"+1 555", "not a valid phone number"},
        {"+44 800 123 4567", "toll-free"},
        {"+1 415 555 0123 ext 9999999999999999999999", "international form"},
    };
    for (const auto& [phone, why] : refused) {
        auto r = mfactl(fx, {"enroll", "sms", "--user", "lea", "--phone", phone});
        assert_int_equal(r.exit_code, 1);
        assert_contains(r.err, why);
    }
    assert_true(fx.outbox().empty());
    // One phone per user, a pending one included (two pending would both confirm).
    assert_int_equal(mfactl(fx, {"enroll", "sms", "--user", "noa", "--phone", kPhone, "--name", "s1"}).exit_code, 0);
    auto two = mfactl(fx, {"enroll", "sms", "--user", "noa", "--phone", "+14155550124", "--name", "s2"});
    assert_int_equal(two.exit_code, 1);
    assert_contains(two.err, "or one pending");
    enroll_phone(fx, "lea");
    auto second = mfactl(fx, {"enroll", "sms", "--user", "lea", "--phone", "+14155550124", "--name", "work"});
    assert_int_equal(second.exit_code, 1);
    assert_contains(second.err, "already enabled");
}

void mfad_notify_refuses_a_peer_that_is_not_mfad(void**) {
    DaemonFixture fx({.sender = true});
    started(fx);
    // The file mode stops others first; open it (and the way to it) so SO_PEERCRED is what refuses.
    chmod(fx.dir().file("").c_str(), 0711);
    chmod(fx.notify_socket().c_str(), 0666);
    pid_t child = fork();
    if (child == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
        auto client = mfa::wire::Client::connect({fx.notify_socket(), std::chrono::seconds(5), {0}});
        if (client) _exit(4);  // the handshake must not succeed
        if (client.error().message.find("serves only mfad's user") != std::string::npos) _exit(0);
        fprintf(stderr, "refusal: %s\n", client.error().message.c_str());
        _exit(5);
    }
    int status = 0;
    waitpid(child, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_contains(fx.sender_log(), "refused a peer that is not mfad's user MFA_PEER_UID=65534");

    // Others holding many connections open cannot crowd mfad out.
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t hoarder = fork();
    if (hoarder == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
        std::vector<int> held;
        for (int i = 0; i < 100; ++i) {
            int fd = socket(AF_UNIX, SOCK_STREAM, 0);
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            fx.notify_socket().copy(addr.sun_path, sizeof addr.sun_path - 1);
            if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) held.push_back(fd);
        }
        (void)!write(ready[1], "x", 1);
        pause();
        _exit(0);
    }
    char byte = 0;
    assert_int_equal(read(ready[0], &byte, 1), 1);
    auto sent = mfactl(fx, {"enroll", "sms", "--user", "xavier", "--phone", kPhone});
    kill(hoarder, SIGKILL);
    waitpid(hoarder, &status, 0);
    close(ready[0]);
    close(ready[1]);
    if (sent.exit_code != 0) fail_msg("%s", sent.err.c_str());

    // The right peer with a destination that is no E.164 number (an option for
    // the program, say): refused before any provider runs.
    auto messages = fx.outbox().size();
    for (const char* destination : {"--help", "+1 415", "+0123456", "14155550123"}) {
        auto client = mfa::wire::Client::connect({fx.notify_socket(), std::chrono::seconds(5), {0}});
        assert_true(client.ok());
        auto send = mfa::wire::encode(mfa::wire::NotifySend{"sms", destination, "text", 1}, client->next_request_id());
        auto reply = client->call(send);
        assert_false(reply.ok() && reply->type() == MessageType::notify_sent);
        assert_contains(reply ? std::string("unexpected reply") : reply.error().message, "not an E.164 number");
    }
    assert_int_equal(fx.outbox().size(), messages);
}

void removing_a_factor_needs_a_code_or_an_admin_reason(void**) {
    DaemonFixture fx({.sender = true});
    started(fx);
    enroll_user(fx.socket(), "mia", "phone");
    enroll_phone(fx, "mia");
    auto no_reason = mfactl(fx, {"factor", "remove", "sms", "--user", "mia"});
    assert_int_equal(no_reason.exit_code, 1);
    assert_contains(no_reason.err, "needs a reason");
    assert_int_equal(mfactl(fx, {"factor", "remove", "sms", "--user", "mia", "--reason", "HD-7 lost phone"}).exit_code, 0);
    assert_contains(sql(fx, "SELECT detail FROM audit WHERE event = 'factor_remove'"),
                    "factor=sms kind=sms by=admin reason=HD-7 lost phone");
    auto listed = nlohmann::json::parse(mfactl(fx, {"--json", "factors", "--user", "mia"}).out);
    assert_int_equal(listed.at("factors").size(), 1);
    auto gone = mfactl(fx, {"factor", "remove", "sms", "--user", "mia", "--reason", "again"});
    assert_int_equal(gone.exit_code, 1);
    assert_contains(gone.err, "no factor named sms");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(enrolls_a_phone_and_logs_in_with_a_text_message),
        cmocka_unit_test(the_menu_offers_every_factor_and_enter_picks_the_primary),
        cmocka_unit_test(a_code_expires_after_code_ttl),
        cmocka_unit_test(three_tries_per_code_and_no_early_resend),
        cmocka_unit_test(each_cap_engages_at_exactly_its_number),
        cmocka_unit_test(enrolling_a_strangers_number_spends_no_login_texts),
        cmocka_unit_test(two_logins_racing_one_sms_code_win_once),
        cmocka_unit_test(the_sender_down_or_slow_fails_only_the_sms_step),
        cmocka_unit_test(a_hung_provider_blocks_no_other_login),
        cmocka_unit_test(the_phone_is_never_in_clear),
        cmocka_unit_test(numbers_are_parsed_and_refused_clearly),
        cmocka_unit_test(mfad_notify_refuses_a_peer_that_is_not_mfad),
        cmocka_unit_test(removing_a_factor_needs_a_code_or_an_admin_reason),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
