// Push approval end to end: mfad, mfad-notify and a local HTTPS push
// provider with a test CA (mfad's JSON API and the twilio-verify preset),
// and the command provider. Each answer gives its verdict; Enter while
// waiting goes back to the menu; a push never holds up other logins; push
// fatigue and "not me" engage at exactly their numbers.
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "fake_https.hpp"
#include "login_client.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

constexpr const char* kToken = "push-Secret-42";

const char* kJsonApi = "    url: @URL@\n    ca_file: @CA@\n    auth: bearer\n    credential: @TOKEN@\n";

struct PushSetup {
    // `http_yaml`: lines under push.http (@URL@, @CA@, @TOKEN@ filled in); `push_extra`: more push keys.
    explicit PushSetup(const std::string& http_yaml = kJsonApi, const std::string& push_extra = "  timeout: 10s\n",
                       const std::string& more_yaml = "")
        : pki(scratch), provider(scratch, FAKE_PUSH_PROVIDER) {
        scratch.write("token", std::string(kToken) + "\n");
        chmod(scratch.file("token").c_str(), 0600);
        std::string yaml = "push:\n  provider: http\n" + push_extra + "  http:\n" + http_yaml + more_yaml;
        for (const auto& [from, to] : {std::pair<std::string, std::string>{"@URL@", provider.url("/push")},
                                       {"@BASE@", provider.url("/v2/Services/VA0123")},
                                       {"@CA@", scratch.file("ca.pem")},
                                       {"@TOKEN@", scratch.file("token")}})
            for (auto at = yaml.find(from); at != std::string::npos; at = yaml.find(from)) yaml.replace(at, from.size(), to);
        DaemonOptions options;
        options.extra_yaml = yaml;
        options.sender = true;
        for (int i = 0; i < 50; ++i) options.users.push_back("user" + std::to_string(i));
        fx = std::make_unique<DaemonFixture>(options);
        if (!fx->start()) fail_msg("did not start: %s %s", fx->log().c_str(), read_file(fx->dir().file("notify.log")).c_str());
    }
    Finished mfactl(std::vector<std::string> args) {
        args.insert(args.begin(), {MFACTL_BIN, "--socket", fx->socket()});
        return run(args);
    }
    std::string sql(const std::string& query) { return fx->sql(query).out; }
    std::string audit(const std::string& event) {
        return sql("SELECT result || ' ' || detail FROM audit WHERE event = '" + event + "' ORDER BY id");
    }
    // A user with an authenticator (the primary) and a push phone named pixel8; the authenticator's secret.
    std::string enroll(const std::string& user, const std::string& device = "") {
        std::string secret = enroll_user(fx->socket(), user);
        provider.set_mode("approve");
        auto done = mfactl({"enroll", "push", "--user", user, "--device", device.empty() ? "dev-" + user : device, "--name", "pixel8"});
        if (done.exit_code != 0) fail_msg("enroll push: %s %s", done.out.c_str(), done.err.c_str());
        return secret;
    }
    // Waits for `pred` up to `limit_ms`.
    template <class P>
    bool eventually(P pred, int limit_ms = 15000) {
        for (int i = 0; i < limit_ms / 20; ++i) {
            if (pred()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return pred();
    }
    TempDir scratch;
    TestPki pki;
    FakeHttps provider;
    std::unique_ptr<DaemonFixture> fx;
};

// BEGIN, then the push's entry (2) at the menu: the number shown.
int choose_push(LoginClient& login, const std::string& user) {
    if (login.begin(user) != MessageType::step) fail_msg("begin: %s", login.last_error().c_str());
    assert_contains(login.last_info(), "2) push to \"pixel8\"");
    if (login.answer("2") != MessageType::step) fail_msg("choose: %s %s", login.last_error().c_str(), login.last_message().c_str());
    std::string info = login.last_info();
    int number = number_to_pick(info);
    if (number == 0 || info.find("Approve the request on \"pixel8\". Pick ") == std::string::npos) fail_msg("info: %s", info.c_str());
    return number;
}

void enrollment_needs_the_test_request_approved(void**) {
    PushSetup s;
    enroll_user(s.fx->socket(), "alice");
    s.provider.set_mode("approve");
    auto done = s.mfactl({"enroll", "push", "--user", "alice", "--device", "dev-alice", "--name", "pixel8"});
    if (done.exit_code != 0) fail_msg("%s", done.err.c_str());
    assert_contains(done.out, "A test request went to \"pixel8\". Approve the request on \"pixel8\". Pick ");
    assert_contains(done.out, "push factor \"pixel8\" enabled for alice");
    // The provider got the device, the number and the bearer token; the device id is sealed at rest.
    auto create = s.provider.requests().at(0);
    assert_str_eq(create["headers"]["Authorization"].get<std::string>().c_str(), (std::string("Bearer ") + kToken).c_str());
    auto body = nlohmann::json::parse(create["body"].get<std::string>());
    assert_str_eq(body["device"].get<std::string>().c_str(), "dev-alice");
    assert_true(body["number"].get<int>() >= 10 && body["number"].get<int>() <= 99);
    assert_true(s.sql("SELECT hex(sealed_secret) FROM factors WHERE kind = 'push'").find("6465762D616C696365") == std::string::npos);
    assert_contains(s.mfactl({"factors", "--user", "alice"}).out, "push to \"pixel8\"");
    // A denied test request leaves the phone pending.
    enroll_user(s.fx->socket(), "bob");
    s.provider.set_mode("deny");
    auto denied = s.mfactl({"enroll", "push", "--user", "bob", "--device", "dev-bob", "--name", "pixel8"});
    assert_int_equal(denied.exit_code, 1);
    assert_contains(denied.err, "the test request was not approved");
    assert_str_eq(s.sql("SELECT state FROM factors WHERE kind = 'push' AND name = 'pixel8' ORDER BY id DESC LIMIT 1").c_str(), "pending\n");
    // mfactl gone while its test request waits: the push is stopped, nothing keeps it.
    enroll_user(s.fx->socket(), "ann");
    s.provider.set_mode("pending");
    {
        Child waiting({MFACTL_BIN, "--socket", s.fx->socket(), "enroll", "push", "--user", "ann", "--device", "dev-ann"}, {},
                      s.scratch.file("mfactl.err"));
        assert_true(s.eventually([&] { return s.sql("SELECT count(*) FROM audit WHERE event = 'push_sent'") == "3\n"; }));
    }  // killed
    assert_true(s.eventually([&] { return s.audit("push_expired").find("cancelled") != std::string::npos; }));
    // A device id that could reach a URL or a program as something else is refused.
    for (const char* bad : {"../x", "-rf", "a b", "dev\x01"})
        assert_int_equal(s.mfactl({"enroll", "push", "--user", "bob", "--device", bad}).exit_code, 1);
}

void an_approved_push_logs_in_and_its_number_is_the_one_sent(void**) {
    PushSetup s;
    s.enroll("carol");
    LoginClient login(s.fx->socket());
    int number = choose_push(login, "carol");
    assert_string_equal(login.last_prompt().c_str(), "Press Enter once approved (before that: back to the menu): ");
    nlohmann::json sent;
    for (const auto& r : s.provider.requests())
        if (r["method"] == "POST") sent = nlohmann::json::parse(r["body"].get<std::string>());
    assert_int_equal(sent["number"].get<int>(), number);
    assert_str_eq(sent["user"].get<std::string>().c_str(), "carol");
    // The number is not in what the phone shows: the person must match it, not read it.
    assert_true(sent["message"].get<std::string>().find(std::to_string(number)) == std::string::npos);
    assert_contains(sent["message"].get<std::string>(), "Login of carol to ");
    assert_true(login.answer("") == MessageType::allow);
    assert_contains(s.audit("push_sent"), "challenge=ch-2");
    assert_contains(s.audit("push_approved"), "ok factor=pixel8");
    assert_contains(s.audit("verify_ok"), "factor=pixel8");
    // The approval is spent: nothing is left to approve a second login with.
    assert_str_eq(s.sql("SELECT count(*) FROM challenges WHERE used_at = 0").c_str(), "0\n");
    assert_contains(s.mfactl({"status", "--user", "carol"}).out, "push");

    // Push as the primary: Enter at the menu sends it.
    assert_int_equal(s.mfactl({"factor", "primary", "pixel8", "--user", "carol"}).exit_code, 0);
    LoginClient primary(s.fx->socket());
    assert_true(primary.begin("carol") == MessageType::step);
    assert_contains(primary.last_info(), "1) push to \"pixel8\" (default)");
    assert_true(primary.answer("") == MessageType::step);
    assert_contains(primary.last_info(), "Approve the request on \"pixel8\"");
    assert_true(primary.answer("") == MessageType::allow);
    // Whatever is typed at the push prompt (but a backup code) means Enter: never an approval.
    LoginClient typed(s.fx->socket());
    assert_true(typed.begin("carol") == MessageType::step);
    s.provider.set_mode("pending");
    assert_true(typed.answer("") == MessageType::step);
    assert_true(typed.answer("123456") == MessageType::step);
    assert_contains(typed.last_message(), "The push request was cancelled.");
}

void a_denial_a_wrong_number_and_not_me_each_refuse(void**) {
    PushSetup s(kJsonApi, "  timeout: 10s\n  max_unanswered: 10\n");
    s.enroll("dave");
    s.provider.set_mode("deny");
    LoginClient denied(s.fx->socket());
    choose_push(denied, "dave");
    assert_true(s.eventually([&] { return !s.audit("push_denied").empty(); }));
    assert_true(denied.answer("") == MessageType::deny);
    assert_contains(denied.last_message(), "denied on the phone");
    assert_str_eq(s.sql("SELECT failures FROM users WHERE name = 'dave'").c_str(), "1\n");

    s.provider.set_mode("wrong");
    LoginClient wrong(s.fx->socket());
    choose_push(wrong, "dave");
    assert_true(wrong.answer("") == MessageType::deny);
    assert_contains(s.audit("push_denied"), "reason=wrong_number");
    assert_str_eq(s.sql("SELECT failures FROM users WHERE name = 'dave'").c_str(), "2\n");

    // From a provider that reports the pick, an approval without one is no match; one that is not a number is no answer.
    s.provider.set_mode("nonumber");
    LoginClient no_number(s.fx->socket());
    choose_push(no_number, "dave");
    assert_true(no_number.answer("") == MessageType::deny);
    assert_contains(s.audit("push_denied"), "reason=no_number");
    s.provider.set_mode("strnumber");
    LoginClient string_number(s.fx->socket());
    choose_push(string_number, "dave");
    assert_true(s.eventually([&] { return !s.audit("push_failed").empty(); }));
    assert_true(string_number.answer("") == MessageType::step);
    assert_contains(string_number.last_message(), "The push request failed");
    assert_contains(s.audit("push_failed"), "reason=the provider's picked number is not a number");

    s.provider.set_mode("notme");
    LoginClient fraud(s.fx->socket());
    choose_push(fraud, "dave");
    assert_true(fraud.answer("") == MessageType::locked);
    assert_contains(s.audit("push_fraud_reported"), "locked factor=pixel8");
    assert_contains(s.audit("lockout"), "locked until=");
    // Locked: even the authenticator's code is refused now.
    LoginClient after(s.fx->socket());
    assert_true(after.begin("dave") == MessageType::locked);
}

void not_me_locks_even_when_nobody_presses_enter(void**) {
    PushSetup s;
    s.enroll("erin");
    s.provider.set_mode("notme");
    {
        LoginClient login(s.fx->socket());
        choose_push(login, "erin");
    }  // the attacker's connection goes away
    assert_true(s.eventually([&] { return !s.audit("push_fraud_reported").empty(); }));
    LoginClient next(s.fx->socket());
    assert_true(next.begin("erin") == MessageType::locked);
}

void enter_while_waiting_goes_back_to_the_menu(void**) {
    PushSetup s(kJsonApi, "  timeout: 20s\n");
    s.enroll("fay");
    s.provider.set_mode("pending");
    LoginClient login(s.fx->socket());
    choose_push(login, "fay");
    assert_true(login.answer("") == MessageType::step);
    assert_contains(login.last_message(), "The push request was cancelled.");
    assert_contains(login.last_info(), "1) authenticator app \"app\" (default)");
    assert_true(s.eventually([&] { return s.audit("push_expired").find("cancelled") != std::string::npos; }));
    // The sender stopped polling once mfad stopped waiting.
    auto polls = s.provider.requests().size();
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    assert_int_equal(s.provider.requests().size(), polls);
    // A cancel is no failure, and a new push may go at once.
    assert_str_eq(s.sql("SELECT failures FROM users WHERE name = 'fay'").c_str(), "0\n");
    s.provider.set_mode("approve");
    assert_true(login.answer("2") == MessageType::step);
    assert_true(login.answer("") == MessageType::allow);
}

void an_unanswered_push_expires_back_to_the_menu(void**) {
    PushSetup s(kJsonApi, "  timeout: 2s\n");
    s.enroll("fern");
    s.provider.set_mode("pending");
    LoginClient login(s.fx->socket());
    choose_push(login, "fern");
    assert_true(s.eventually([&] { return s.audit("push_expired").find("expired") != std::string::npos; }));
    assert_true(login.answer("") == MessageType::step);
    assert_contains(login.last_message(), "No answer came from the phone in time.");
    // The provider down at every poll: also expired, and the login goes on with the app.
    s.provider.set_mode("poll500");
    assert_true(login.answer("2") == MessageType::step);
    assert_true(s.eventually([&] { return s.sql("SELECT count(*) FROM audit WHERE event = 'push_expired'") == "2\n"; }));
    assert_true(login.answer("") == MessageType::step);
    assert_str_eq(s.sql("SELECT failures FROM users WHERE name = 'fern'").c_str(), "0\n");
}

void a_provider_that_fails_to_create_leaves_the_menu(void**) {
    PushSetup s;
    std::string secret = s.enroll("grace");
    s.provider.set_mode("create500");
    LoginClient login(s.fx->socket());
    assert_true(login.begin("grace") == MessageType::step);
    assert_true(login.answer("2") == MessageType::step);
    assert_contains(login.last_message(), "could not be sent");
    assert_contains(s.audit("push_failed"), "reason=the provider answered HTTP 500");
    // The next push is not held back by the failed one.
    s.provider.set_mode("approve");
    choose_push(login, "grace");  // a new BEGIN on the same connection
    assert_true(login.answer("") == MessageType::allow);
}

void fatigue_pauses_push_at_exactly_max_unanswered(void**) {
    PushSetup s;  // max_unanswered: 3 (the default)
    s.enroll("hal");
    s.provider.set_mode("expire");
    for (int i = 0; i < 3; ++i) {
        LoginClient login(s.fx->socket());
        choose_push(login, "hal");
        assert_true(login.answer("") == MessageType::step);
        assert_contains(login.last_message(), "No answer came from the phone in time.");
        // Two misses do not pause push.
        if (i < 2) assert_str_eq(s.sql("SELECT push_paused_until FROM users WHERE name = 'hal'").c_str(), "0\n");
    }
    assert_contains(s.audit("push_paused"), "paused until=");
    LoginClient login(s.fx->socket());
    assert_true(login.begin("hal") == MessageType::step);
    assert_true(login.answer("2") == MessageType::step);
    assert_contains(login.last_message(), "Push is paused until ");
    assert_contains(login.last_message(), "3 requests in a row went unanswered or were denied");
    // No push went out for it; the app still works. Misses are not failures.
    assert_str_eq(s.sql("SELECT failures FROM users WHERE name = 'hal'").c_str(), "0\n");
}

void one_push_waits_per_user(void**) {
    PushSetup s;
    s.enroll("ida");
    s.provider.set_mode("pending");
    LoginClient first(s.fx->socket());
    choose_push(first, "ida");
    LoginClient second(s.fx->socket());
    assert_true(second.begin("ida") == MessageType::step);
    assert_true(second.answer("2") == MessageType::step);
    assert_contains(second.last_message(), "A request is already waiting on your phone");
    // Refused before any row is written (the place is this host's, in memory): one push went out.
    assert_str_eq(s.sql("SELECT count(*) FROM audit WHERE event = 'push_sent' AND \"user\" = 'ida'").c_str(), "2\n");

    // Enrolling anew replaces a pending phone and its rows, but not the push already out.
    enroll_user(s.fx->socket(), "lea");
    Child enrolling({MFACTL_BIN, "--socket", s.fx->socket(), "enroll", "push", "--user", "lea", "--device", "dev-lea"}, {},
                s.scratch.file("first.err"));
    assert_true(s.eventually([&] { return s.sql("SELECT count(*) FROM factors WHERE kind = 'push' AND state = 'pending'") == "1\n"; }));
    auto again = s.mfactl({"enroll", "push", "--user", "lea", "--device", "dev-lea-2"});
    assert_int_equal(again.exit_code, 1);
    assert_contains(again.err, "A request is already waiting on your phone");
    assert_str_eq(s.sql("SELECT count(*) FROM audit WHERE event = 'push_sent' AND \"user\" = 'lea'").c_str(), "1\n");
}

void fifty_logins_complete_while_a_push_waits(void**) {
    PushSetup s;
    s.enroll("ivan");
    std::vector<std::string> secrets;
    for (int i = 0; i < 50; ++i) secrets.push_back(enroll_user(s.fx->socket(), "user" + std::to_string(i)));
    s.provider.set_mode("pending");
    LoginClient waiting(s.fx->socket());
    choose_push(waiting, "ivan");
    auto began = std::chrono::steady_clock::now();
    std::vector<std::thread> logins;
    std::atomic<int> allowed{0};
    for (int i = 0; i < 50; ++i)
        logins.emplace_back([&, i] {
            LoginClient login(s.fx->socket());
            if (login.begin("user" + std::to_string(i)) == MessageType::step &&
                login.answer(oathtool_code(secrets[static_cast<std::size_t>(i)], unix_now())) == MessageType::allow)
                ++allowed;
        });
    for (auto& t : logins) t.join();
    assert_int_equal(allowed.load(), 50);
    // All within the push's wait: none waited on it.
    assert_true(std::chrono::steady_clock::now() - began < std::chrono::seconds(4));
    assert_str_eq(s.sql("SELECT count(*) FROM audit WHERE event LIKE 'push_%' AND event != 'push_sent'").c_str(), "1\n");
}

void the_twilio_verify_preset_creates_and_polls_challenges(void**) {
    PushSetup s("    preset: twilio-verify\n    url: @BASE@\n    ca_file: @CA@\n    username: AC0123\n    credential: @TOKEN@\n");
    const std::string device = "ident-0001/YF0123456789abcdef0123456789abcdef";
    s.enroll("kim", device);
    LoginClient login(s.fx->socket());
    int number = choose_push(login, "kim");
    assert_true(login.answer("") == MessageType::allow);
    auto requests = s.provider.requests();
    nlohmann::json post;
    for (const auto& r : requests)
        if (r["method"] == "POST") post = r;
    assert_str_eq(post["path"].get<std::string>().c_str(), "/v2/Services/VA0123/Entities/ident-0001/Challenges");
    std::string body = post["body"];
    assert_contains(body, "FactorSid=YF0123456789abcdef0123456789abcdef");
    // The number is a hidden detail, for the app to offer as a choice; no detail shown says it.
    assert_contains(body, "HiddenDetails=%7B%22correlation%22%3A%22");
    assert_contains(body, "%22number%22%3A%22" + std::to_string(number) + "%22%7D");
    assert_true(body.find("Pick") == std::string::npos);
    auto basic = run({"sh", "-c", "printf '%s' 'AC0123:" + std::string(kToken) + "' | base64 -w0"}).out;
    assert_str_eq(post["headers"]["Authorization"].get<std::string>().c_str(), ("Basic " + basic).c_str());
    assert_str_eq(requests.back()["method"].get<std::string>().c_str(), "GET");
    assert_contains(requests.back()["path"].get<std::string>(), "/v2/Services/VA0123/Entities/ident-0001/Challenges/YC");
    // Twilio returns no picked number: the approval alone counts.
    assert_contains(s.audit("push_approved"), "challenge=YC");
    // The token is in no log.
    assert_true(s.fx->log().find(kToken) == std::string::npos);
    assert_true(read_file(s.fx->dir().file("notify.log")).find(kToken) == std::string::npos);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(enrollment_needs_the_test_request_approved),
        cmocka_unit_test(an_approved_push_logs_in_and_its_number_is_the_one_sent),
        cmocka_unit_test(a_denial_a_wrong_number_and_not_me_each_refuse),
        cmocka_unit_test(not_me_locks_even_when_nobody_presses_enter),
        cmocka_unit_test(enter_while_waiting_goes_back_to_the_menu),
        cmocka_unit_test(an_unanswered_push_expires_back_to_the_menu),
        cmocka_unit_test(a_provider_that_fails_to_create_leaves_the_menu),
        cmocka_unit_test(fatigue_pauses_push_at_exactly_max_unanswered),
        cmocka_unit_test(one_push_waits_per_user),
        cmocka_unit_test(fifty_logins_complete_while_a_push_waits),
        cmocka_unit_test(the_twilio_verify_preset_creates_and_polls_challenges),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
