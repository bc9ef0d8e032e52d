// Recovery by email against a real mfad and mfad-notify, with a fake sendmail
// that records each message: the address and its check, header injection,
// "I lost my device" end to end, expiry, the lockout, the daily cap, racing
// logins, and no address, code or secret in any log.
#include <nlohmann/json.hpp>
#include <cstring>
#include <thread>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"
#include "mfa/base32.hpp"
#include "mfa/otp.hpp"
#include "mfa/wire/client.hpp"
#include "mfa/wire/factor_messages.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

constexpr const char* kRecoveryYaml =
    "recovery: { email: on, code_ttl: 15m, max_per_day: 3 }\nconnections: { login_timeout: 600s }\n"
    "durability: normal\n";  // a thousand racing rounds: fsync is not what they test

DaemonFixture* fx = nullptr;
long shifted = 0;  // how far mfad's clock was moved
std::vector<std::string> secrets;  // every TOTP secret shown: none may reach a log

int start(void**) {
    fx = new DaemonFixture({.extra_yaml = kRecoveryYaml,
                            .users = {"rita", "ruth", "rex", "rosa", "raced", "ronja"},
                            .fake_clock = true,
                            .sender = true});
    return fx->start() ? 0 : -1;
}

int stop(void**) {
    delete fx;
    return 0;
}

void shift(long seconds) {
    shifted += seconds;
    fx->shift_clock(shifted);
}

Finished mfactl(std::vector<std::string> args) {
    args.insert(args.begin(), {MFACTL_BIN, "--socket", fx->socket()});
    return run(args);
}

std::string field(const std::string& text, const std::string& label) {
    auto at = text.rfind(label);
    if (at == std::string::npos) return {};
    auto end = text.find('\n', at);
    return text.substr(at + label.size(), end == std::string::npos ? std::string::npos : end - at - label.size());
}

// A TOTP code at mfad's time (in-process maths: oathtool is the cross-check elsewhere).
std::string code_at(const std::string& secret, long offset = 0) {
    auto key = mfa::base32::decode(secret);
    return *mfa::otp::totp(*key, unix_now() + shifted + offset, 30, 6, mfa::otp::Algorithm::sha1);
}

// An authenticator confirmed at mfad's (moved) time; returns its secret.
std::string enroll_now(const std::string& user) {
    auto started = mfactl({"--json", "enroll", "totp", "--user", user});
    if (started.exit_code != 0) fail_msg("enroll totp: %s", started.err.c_str());
    auto secret = nlohmann::json::parse(started.out).at("secret").get<std::string>();
    secrets.push_back(secret);
    auto confirmed = mfactl({"enroll", "confirm", "--user", user, "--code", code_at(secret, -30)});
    if (confirmed.exit_code != 0) fail_msg("enroll confirm: %s", confirmed.err.c_str());
    return secret;
}

// The user has an authenticator and a confirmed recovery address; returns the secret.
std::string prepare(const std::string& user) {
    auto secret = enroll_now(user);
    auto set = mfactl({"recovery-email", "set", "--user", user, "--address", user + "@example.com"});
    if (set.exit_code != 0) fail_msg("recovery-email set: %s", set.err.c_str());
    auto confirm = mfactl({"recovery-email", "confirm", "--user", user, "--code", fx->last_mail_code()});
    if (confirm.exit_code != 0) fail_msg("recovery-email confirm: %s", confirm.err.c_str());
    return secret;
}

// A login at the menu that chose "I lost my device" (entry 2: one app, no backup codes).
void at_recovery_prompt(LoginClient& login, const std::string& user) {
    assert_true(login.begin(user) == MessageType::step);
    assert_contains(login.last_info(), "2) I lost my device");
    assert_true(login.answer("2") == MessageType::step);
    assert_contains(login.last_prompt(), "Recovery code from the email");
}

void the_address_is_checked_before_it_counts(void**) {
    auto set = mfactl({"recovery-email", "set", "--user", "rita", "--address", "Rita.M+mfa@EXAMPLE.com"});
    assert_int_equal(set.exit_code, 0);
    assert_contains(set.out, "A code was sent to R\u2022\u2022\u2022@example.com");
    auto mail = fx->mails().back();
    // Headers mfad-notify built: the address as one spelling, nothing else a user typed.
    assert_true(mail.rfind("From: mfa@example.com\nTo: Rita.M+mfa@example.com\nSubject: Confirm your recovery address", 0) == 0);
    assert_contains(mail, "\nAuto-Submitted: auto-generated\n\n");
    assert_contains(mfactl({"status", "--user", "rita"}).out, "recovery email:   (a new one waits for its code)");

    auto wrong = mfactl({"recovery-email", "confirm", "--user", "rita", "--code", "AAAAAAAAAAAA"});
    assert_int_equal(wrong.exit_code, 1);
    assert_contains(wrong.err, "wrong code");
    assert_int_equal(mfactl({"recovery-email", "confirm", "--user", "rita", "--code", fx->last_mail_code()}).exit_code, 0);
    auto status = mfactl({"--json", "status", "--user", "rita"});
    assert_str_eq(nlohmann::json::parse(status.out).at("recovery_email").get<std::string>(), "R\u2022\u2022\u2022@example.com");
    auto audit = mfactl({"audit", "list", "--user", "rita"}).out;
    assert_contains(audit, "recovery_email_set  rita  ok");
    assert_contains(audit, "recovery_email_confirm  rita  fail");
    assert_contains(audit, "recovery_email_confirm  rita  ok");
    assert_true(audit.find("Rita.M") == std::string::npos);
}

void addresses_that_could_add_a_header_are_refused(void**) {
    auto before = fx->mails().size();
    std::string long_local(65, 'a');
    for (const std::string& address :
         {std::string("a@example.com\r\nBcc: victim@example.org"), std::string("a@example.com\nBcc: v@example.org"),
          std::string("Bcc: v@example.org"), std::string("Rita <rita@example.com>"), std::string("\"rita\"@example.com"),
          std::string("rita@example.com, v@example.org"), long_local + "@example.com", std::string("-oQ/tmp@example.com"),
          std::string("rita@localhost"), std::string("rita@exa mple.com")}) {
        auto cli = mfactl({"recovery-email", "set", "--user", "ruth", "--address", address});
        if (cli.exit_code == 0) fail_msg("accepted %s", address.c_str());
        // mfad refuses it too, when a client skips mfactl's check.
        auto client = mfa::wire::Client::connect({fx->socket(), std::chrono::seconds(5), {0}});
        assert_true(client.ok());
        auto frame = mfa::wire::encode(mfa::wire::RecoveryEmailSet{"ruth", address, ""}, client->next_request_id());
        auto reply = client->call(frame);
        if (reply.ok()) fail_msg("mfad accepted %s", address.c_str());
        assert_true(client->daemon_error() == mfa::wire::ErrorCode::malformed);
    }
    assert_int_equal(fx->mails().size(), before);
}

void a_lost_device_is_replaced_at_login(void**) {
    auto old_secret = prepare("rex");
    LoginClient login(fx->socket());
    at_recovery_prompt(login, "rex");
    assert_contains(login.last_info(), "A recovery code was emailed to r\u2022\u2022\u2022@example.com");
    auto mail = fx->mails().back();
    assert_contains(mail, "Subject: Your mfad recovery code\n");
    std::string code = fx->last_mail_code();
    assert_int_equal(code.size(), 12);

    assert_true(login.answer(code) == MessageType::step);
    assert_contains(login.last_info(), "Your factors and backup codes were removed.");
    std::string secret = field(login.last_info(), "Secret: ");
    assert_int_equal(secret.size(), 32);
    secrets.push_back(secret);
    assert_true(login.answer(code_at(secret)) == MessageType::step);
    assert_true(login.answer("n") == MessageType::allow);

    // The notice went to the recovery address.
    assert_contains(fx->mails().back(), "Subject: Your mfad second factor was reset\n");
    assert_contains(fx->mails().back(), "The second factor of rex was reset at ");
    // The old authenticator is gone; the new one works.
    LoginClient after(fx->socket());
    assert_true(after.begin("rex") == MessageType::step);
    assert_true(after.answer(code_at(old_secret, 30)) == MessageType::step);
    assert_true(after.answer(code_at(secret, 30)) == MessageType::allow);
    auto audit = mfactl({"audit", "list", "--user", "rex"}).out;
    for (const char* event : {"recovery_requested  rex  ok", "recovery  rex  ok", "recovery_notice  rex  ok",
                              "enroll_at_login  rex  ok"})
        assert_contains(audit, event);
    // The code was single use.
    LoginClient again(fx->socket());
    assert_true(again.begin("rex") == MessageType::step);
    assert_true(again.answer("2") == MessageType::step);  // sends a new code: the old one is spent
    assert_true(again.answer(code) == MessageType::step);
    assert_contains(again.last_message(), "Wrong code");
}

// The recovery's login ends after the secret was shown and before its code:
// the next login confirms that authenticator and shows no secret, so a
// password alone cannot enroll another in the meantime.
void an_unfinished_recovery_is_finished_with_the_device_set_up(void**) {
    prepare("ronja");
    std::string secret;
    {
        LoginClient login(fx->socket());
        at_recovery_prompt(login, "ronja");
        assert_true(login.answer(fx->last_mail_code()) == MessageType::step);
        secret = field(login.last_info(), "Secret: ");
    }  // the connection drops
    LoginClient next(fx->socket());
    assert_true(next.begin("ronja") == MessageType::step);
    assert_contains(next.last_info(), "Finish your recovery");
    assert_true(next.last_info().find("Secret") == std::string::npos);
    assert_true(next.answer("123456") == MessageType::step);  // not the set-up device's code
    assert_true(next.answer(code_at(secret)) == MessageType::step);
    assert_true(next.answer("n") == MessageType::allow);

    // The same, but the set-up device's time runs out: no second chance without the help desk.
    LoginClient again(fx->socket());
    at_recovery_prompt(again, "ronja");
    assert_true(again.answer(fx->last_mail_code()) == MessageType::step);
    shift(11 * 60);
    LoginClient late(fx->socket());
    assert_true(late.begin("ronja") == MessageType::not_enrolled);
}

void a_recovery_code_expires_counts_toward_the_lock_and_is_capped(void**) {
    prepare("rosa");
    {
        LoginClient first(fx->socket());
        at_recovery_prompt(first, "rosa");
    }
    std::string code = fx->last_mail_code();
    shift(14 * 60);
    LoginClient late(fx->socket());
    at_recovery_prompt(late, "rosa");
    assert_contains(late.last_info(), "went to r\u2022\u2022\u2022@example.com earlier");  // no second mail
    shift(90);  // past the code's 15 minutes, within the login's time
    assert_true(late.answer(code) == MessageType::step);
    assert_contains(late.last_message(), "can no longer be used");

    // Two more sends (r), the most one login may ask for; then the daily cap, in another login.
    assert_true(late.answer("r") == MessageType::step);
    assert_true(late.answer("r") == MessageType::step);
    assert_true(late.answer("r") == MessageType::step);
    assert_contains(late.last_message(), "No more recovery codes in this login");
    {
        LoginClient capped(fx->socket());
        at_recovery_prompt(capped, "rosa");  // the third code is still valid: no mail
        assert_true(capped.answer("r") == MessageType::step);
        assert_contains(capped.last_message(), "Too many emails");
    }
    assert_contains(mfactl({"audit", "list", "--user", "rosa", "--event", "recovery_requested"}).out, "cap=user_daily_cap");

    // Wrong recovery codes count: with the expired one, four failures lock the account.
    assert_true(late.answer("BBBBBBBBBBBB") == MessageType::step);
    assert_true(late.answer("CCCCCCCCCCCC") == MessageType::step);
    assert_true(late.answer("DDDDDDDDDDDD") == MessageType::locked);
    // A locked account cannot ask for recovery: the login ends at BEGIN.
    LoginClient locked(fx->socket());
    assert_true(locked.begin("rosa") == MessageType::locked);
}

void two_logins_racing_with_one_recovery_code_reset_once(void**) {
    auto secret = prepare("raced");
    int resets = 0;
    for (int round = 0; round < 1000; ++round) {
        if (round > 0 && round % 3 == 0) shift(86400);  // a new day: the cap is 3 codes a day
        {
            LoginClient sender(fx->socket());
            at_recovery_prompt(sender, "raced");
        }
        std::string code = fx->last_mail_code();
        LoginClient a(fx->socket()), b(fx->socket());
        at_recovery_prompt(a, "raced");
        at_recovery_prompt(b, "raced");
        std::optional<MessageType> ra, rb;
        std::thread ta([&] { ra = a.answer(code); });
        std::thread tb([&] { rb = b.answer(code); });
        ta.join();
        tb.join();
        bool a_won = ra == MessageType::step && a.last_info().find("Secret: ") != std::string::npos;
        bool b_won = rb == MessageType::step && b.last_info().find("Secret: ") != std::string::npos;
        if (a_won == b_won) fail_msg("round %d: %d resets", round, int(a_won) + int(b_won));
        // The winner enrolls anew, for the next round.
        LoginClient& winner = a_won ? a : b;
        secret = field(winner.last_info(), "Secret: ");
        assert_true(winner.answer(code_at(secret)) == MessageType::step);
        assert_true(winner.answer("n") == MessageType::allow);
        ++resets;
    }
    assert_int_equal(resets, 1000);
}

void no_address_code_or_secret_reaches_a_log(void**) {
    std::string logs = fx->log() + fx->sender_log();
    for (const char* user : {"rita", "rex", "rosa", "raced"}) assert_true(logs.find(std::string(user) + "@example.com") == std::string::npos);
    for (const auto& mail : fx->mails()) {
        for (const char* marker : {"Recovery code: ", "--code "}) {
            auto at = mail.find(marker);
            if (at == std::string::npos) continue;
            std::string code = mail.substr(at + strlen(marker), 12);
            if (logs.find(code) != std::string::npos) fail_msg("a mailed code is in a log: %s", code.c_str());
        }
    }
    for (const auto& secret : secrets)
        if (logs.find(secret) != std::string::npos) fail_msg("a secret is in a log");
    assert_false(secrets.empty());
    auto metrics = mfactl({"stats"}).out;
    assert_true(metrics.find("@example.com") == std::string::npos);
    assert_contains(metrics, "mfad_recoveries_total:");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_address_is_checked_before_it_counts),
        cmocka_unit_test(addresses_that_could_add_a_header_are_refused),
        cmocka_unit_test(a_lost_device_is_replaced_at_login),
        cmocka_unit_test(an_unfinished_recovery_is_finished_with_the_device_set_up),
        cmocka_unit_test(a_recovery_code_expires_counts_toward_the_lock_and_is_capped),
        cmocka_unit_test(two_logins_racing_with_one_recovery_code_reset_once),
        cmocka_unit_test(no_address_code_or_secret_reaches_a_log),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
