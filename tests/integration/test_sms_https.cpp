// The http provider against a local HTTPS gateway with a test CA: the right
// request (form, JSON, the Twilio preset, bearer and basic auth from a
// credential file), TLS with the wrong CA refused, and a 500, a hang and a
// garbage reply each an sms_failed that blocks no other login.
#include <sys/stat.h>
#include <unistd.h>

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

constexpr const char* kToken = "tok-Secret-123";

// mfad and mfad-notify with the http provider `http_yaml` (lines under sms.http).
struct HttpsSetup {
    explicit HttpsSetup(const std::string& http_yaml_for_url) : pki(scratch), gateway(scratch, FAKE_SMS_GATEWAY) {
        scratch.write("token", std::string(kToken) + "\n");
        chmod(scratch.file("token").c_str(), 0600);
        std::string yaml = "sms:\n  provider: http\n  timeout: 2s\n  http:\n" + http_yaml_for_url;
        for (const auto& [from, to] : {std::pair<std::string, std::string>{"@URL@", gateway.url("/send")},
                                       {"@CA@", scratch.file("ca.pem")},
                                       {"@OTHER_CA@", scratch.file("other-ca.pem")},
                                       {"@TOKEN@", scratch.file("token")}})
            for (auto at = yaml.find(from); at != std::string::npos; at = yaml.find(from))
                yaml.replace(at, from.size(), to);
        fx = std::make_unique<DaemonFixture>(DaemonOptions{.sender = true, .sender_yaml = yaml});
        if (!fx->start()) fail_msg("did not start: %s %s", fx->log().c_str(), read_file(fx->dir().file("notify.log")).c_str());
    }
    Finished mfactl(std::vector<std::string> args) {
        args.insert(args.begin(), {MFACTL_BIN, "--socket", fx->socket()});
        return run(args);
    }
    std::string audit(const std::string& event) {
        return run({"sqlite3", fx->dir().file("state/mfad.db"),
                    "SELECT result || ' ' || detail FROM audit WHERE event = '" + event + "' ORDER BY id"})
            .out;
    }
    TempDir scratch;
    TestPki pki;
    FakeHttps gateway;
    std::unique_ptr<DaemonFixture> fx;
};

const char* kFormBearer =
    "    url: @URL@\n    ca_file: @CA@\n    auth: bearer\n    credential: @TOKEN@\n    message_id: id\n"
    "    fields: { to: \"{phone}\", message: \"{text}\", tag: \"mfa & co\" }\n";

void sends_the_configured_form_with_a_bearer_token(void**) {
    HttpsSetup s(kFormBearer);
    auto sent = s.mfactl({"enroll", "sms", "--user", "alice", "--phone", "+14155550123"});
    if (sent.exit_code != 0) fail_msg("%s", sent.err.c_str());
    auto requests = s.gateway.requests();
    assert_int_equal(requests.size(), 1);
    const auto& r = requests[0];
    assert_str_eq(r["path"].get<std::string>().c_str(), "/send");
    assert_str_eq(r["headers"]["Authorization"].get<std::string>().c_str(), (std::string("Bearer ") + kToken).c_str());
    assert_str_eq(r["headers"]["Content-Type"].get<std::string>().c_str(), "application/x-www-form-urlencoded");
    std::string body = r["body"];
    assert_true(body.rfind("to=%2B14155550123&message=Your%20mfad%20login%20code%20is%20", 0) == 0);
    assert_contains(body, "&tag=mfa%20%26%20co");
    assert_contains(s.audit("sms_sent"), "message_id=gw-1");
    // The token is in no log.
    assert_true(s.fx->log().find(kToken) == std::string::npos);
    assert_true(read_file(s.fx->dir().file("notify.log")).find(kToken) == std::string::npos);
}

void the_twilio_preset_posts_to_the_messages_api(void**) {
    HttpsSetup s("    preset: twilio\n    account_sid: AC0123\n    from: \"+15005550006\"\n    url: @URL@\n"
                 "    ca_file: @CA@\n    credential: @TOKEN@\n");
    assert_int_equal(s.mfactl({"enroll", "sms", "--user", "bob", "--phone", "+14155550123"}).exit_code, 0);
    auto r = s.gateway.requests().at(0);
    // Basic auth: the account SID and the token.
    auto basic = run({"sh", "-c", "printf '%s' 'AC0123:" + std::string(kToken) + "' | base64 -w0"}).out;
    assert_str_eq(r["headers"]["Authorization"].get<std::string>().c_str(), ("Basic " + basic).c_str());
    std::string body = r["body"];
    assert_true(body.rfind("To=%2B14155550123&From=%2B15005550006&Body=Your%20mfad", 0) == 0);
    assert_contains(s.audit("sms_sent"), "message_id=SM1");
}

void a_json_body_carries_the_fields(void**) {
    HttpsSetup s("    url: @URL@\n    ca_file: @CA@\n    body: json\n    message_id: id\n"
                 "    fields: { phone: \"{phone}\", text: \"{text}\" }\n");
    assert_int_equal(s.mfactl({"enroll", "sms", "--user", "carol", "--phone", "+14155550123"}).exit_code, 0);
    auto r = s.gateway.requests().at(0);
    assert_str_eq(r["headers"]["Content-Type"].get<std::string>().c_str(), "application/json");
    auto body = nlohmann::json::parse(r["body"].get<std::string>());
    assert_str_eq(body["phone"].get<std::string>().c_str(), "+14155550123");
    assert_true(body["text"].get<std::string>().rfind("Your mfad login code is ", 0) == 0);
    assert_false(r["headers"].contains("Authorization"));
}

void tls_with_the_wrong_ca_is_refused(void**) {
    HttpsSetup s("    url: @URL@\n    ca_file: @OTHER_CA@\n    fields: { to: \"{phone}\", text: \"{text}\" }\n");
    auto sent = s.mfactl({"enroll", "sms", "--user", "dave", "--phone", "+14155550123"});
    assert_int_equal(sent.exit_code, 1);
    assert_contains(sent.err, "could not be sent");
    assert_true(s.gateway.requests().empty());  // nothing reached the gateway
    assert_contains(s.audit("sms_failed"), "reason=TLS handshake");
}

void failures_are_sms_failed_and_block_no_other_login(void**) {
    HttpsSetup s(kFormBearer);
    std::string secret = enroll_user(s.fx->socket(), "erin");
    assert_int_equal(s.mfactl({"enroll", "sms", "--user", "erin", "--phone", "+14155550123"}).exit_code, 0);
    // The code reached the gateway in the form body.
    std::string body = s.gateway.requests().back()["body"];
    std::string code = body.substr(body.find("code%20is%20") + 12, 6);
    assert_int_equal(s.mfactl({"enroll", "confirm", "--user", "erin", "--factor", "sms", "--code", code}).exit_code, 0);
    // One user for each failure's parallel login, so no code is a replay.
    const std::vector<std::string> others = {"fay", "grace", "hal"};
    std::vector<std::string> secrets;
    for (const auto& user : others) secrets.push_back(enroll_user(s.fx->socket(), user));

    const std::vector<std::pair<std::string, std::string>> modes = {
        {"500", "reason=the provider answered HTTP 500"},
        {"garbage", "reason=the provider's reply holds no message id (id)"},
        {"hang", "reason=reply: "},
    };
    for (std::size_t i = 0; i < modes.size(); ++i) {
        const auto& [mode, reason] = modes[i];
        s.gateway.set_mode(mode);
        std::optional<MessageType> step;
        std::string message;
        std::thread sms([&] {
            LoginClient login(s.fx->socket());
            if (login.begin("erin") != MessageType::step) return;
            step = login.answer("2");
            message = login.last_message();
        });
        // Another login completes meanwhile, at once.
        auto began = std::chrono::steady_clock::now();
        LoginClient quick(s.fx->socket());
        assert_true(quick.begin(others[i]) == MessageType::step);
        assert_true(quick.answer(oathtool_code(secrets[i], unix_now())) == MessageType::allow);
        assert_true(std::chrono::steady_clock::now() - began < std::chrono::seconds(1));
        sms.join();
        if (step != MessageType::step || message.empty())
            fail_msg("mode %s: %s", mode.c_str(), read_file(s.fx->dir().file("notify.log")).c_str());
        assert_str_eq(message.c_str(), "The text message could not be sent; use another factor or try again later.");
        assert_contains(s.audit("sms_failed"), reason);
    }
    auto stats = nlohmann::json::parse(s.mfactl({"--json", "stats"}).out);
    assert_int_equal(stats.at("mfad_sms_failed_total").get<int>(), 3);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sends_the_configured_form_with_a_bearer_token),
        cmocka_unit_test(the_twilio_preset_posts_to_the_messages_api),
        cmocka_unit_test(a_json_body_carries_the_fields),
        cmocka_unit_test(tls_with_the_wrong_ca_is_refused),
        cmocka_unit_test(failures_are_sms_failed_and_block_no_other_login),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
