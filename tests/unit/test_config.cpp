// One test per error class; each checks that the message names file, line and key.
#include "cmocka.hpp"
#include "config/config_loader.hpp"
#include "temp_dir.hpp"

using namespace mfa::daemon;

namespace {

std::string error_for(const std::string& yaml) {
    auto config = parse_config(yaml, "/etc/mfad/mfad.yaml");
    if (config.ok()) fail_msg("accepted:\n%s", yaml.c_str());
    return config.error().message;
}

void empty_file_means_defaults(void**) {
    auto config = parse_config("", "x.yaml");
    assert_true(config.ok());
    assert_int_equal(config->totp.digits, 6);
    assert_int_equal(config->lockout.max_failures, 4);
    assert_int_equal(config->lockout.duration.count(), 300);
    assert_true(config->durability == Durability::full);
    assert_str_eq(config->socket, "/run/mfad/mfad.sock");
}

void shipped_config_parses_to_defaults(void**) {
    auto config = load_config(MFA_SHIPPED_CONFIG);
    if (!config) fail_msg("%s", config.error().message.c_str());
    assert_str_eq(config->issuer, "mfad");
    assert_int_equal(config->totp.window, 1);
    assert_true(config->totp.algorithm == mfa::otp::Algorithm::sha1);
    assert_true(config->sms.provider == SmsProvider::none);
}

void full_example_parses(void**) {
    auto config = parse_config(R"(
socket: /run/x.sock
issuer: "Example Corp"
totp: { digits: 8, period: 60, window: 2, algorithm: SHA512 }
lockout: { max_failures: 5, duration: 1h }
sms:
  provider: command
  command: ["/usr/local/bin/send-sms", "{phone}"]
  code_ttl: 5m
  resend_after: 30s
  max_per_user_per_day: 10
metrics: { textfile: /var/lib/m.prom, interval: 30s }
durability: normal
)",
                               "x.yaml");
    if (!config) fail_msg("%s", config.error().message.c_str());
    assert_int_equal(config->totp.digits, 8);
    assert_true(config->totp.algorithm == mfa::otp::Algorithm::sha512);
    assert_int_equal(config->lockout.duration.count(), 3600);
    assert_int_equal(config->sms.command.size(), 2);
    assert_true(config->durability == Durability::normal);
    assert_str_eq(config->metrics.textfile, "/var/lib/m.prom");
}

void the_sender_sections_parse(void**) {
    auto config = parse_config(R"(
notify: { socket: /run/n.sock, timeout: 9s, client_user: mfad }
sms:
  provider: http
  timeout: 4s
  max_per_user_per_hour: 2
  max_per_number_per_day: 3
  max_per_hour: 50
  http:
    preset: twilio
    account_sid: AC1
    from: "+15005550006"
    credential: twilio-token
)",
                               "x.yaml");
    if (!config) fail_msg("%s", config.error().message.c_str());
    const auto& http = config->sms.http;
    assert_str_eq(http.url, "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json");
    assert_str_eq(http.auth, "basic");
    assert_str_eq(http.username, "AC1");
    assert_str_eq(http.message_id, "sid");
    assert_int_equal(http.fields.size(), 3);
    assert_str_eq(http.fields[1].second, "+15005550006");
    assert_int_equal(config->notify.timeout.count(), 9);
    assert_int_equal(config->sms.max_per_number_per_day, 3);
}

void the_sender_sections_refuse_what_cannot_work(void**) {
    assert_contains(error_for("sms:\n  provider: http\n"), "sms.http: is required when sms.provider is http");
    assert_contains(error_for("sms:\n  provider: http\n  http: { url: \"http://x\", fields: { a: b } }\n"),
                    "sms.http.url: must start with https://");
    assert_contains(error_for("sms:\n  provider: http\n  http: { url: \"https://x\", fields: { a: b }, auth: bearer }\n"),
                    "sms.http.credential: is required for auth bearer: the secret is never in this file");
    assert_contains(error_for("sms:\n  http: { preset: twilio, credential: t }\n"), "the twilio preset needs account_sid and from");
    assert_contains(error_for("sms:\n  resend_after: 10m\n  code_ttl: 5m\n"), "sms.resend_after: must be shorter than sms.code_ttl");
    assert_contains(error_for("notify: { timeout: 3s }\nsms: { timeout: 5s }\n"),
                    "sms.timeout: must be shorter than notify.timeout");
    assert_contains(error_for("notify: { socket: relative.sock }\n"), "notify.socket: must be an absolute path");
    assert_contains(error_for("email: { from: \"Mfa <mfa@example.com>\" }\n"), "email.from: must be a plain address");
    assert_contains(error_for("email: { sendmail: [sendmail, -t] }\n"), "email.sendmail: the program must be an absolute path");
    assert_contains(error_for("notify: { timeout: 3s }\nsms: { timeout: 2s }\nemail: { timeout: 5s }\n"),
                    "email.timeout: must be shorter than notify.timeout");
    assert_contains(error_for("recovery: { email: maybe }\n"), "recovery.email");
    assert_contains(error_for("recovery: { code_ttl: 1m }\n"), "recovery.code_ttl");
    assert_contains(error_for("recovery: { max_per_day: 0 }\n"), "recovery.max_per_day");
    assert_contains(error_for("enrollment: { grace: 400d }\n"), "enrollment.grace");
    assert_contains(error_for("enrollment: { grace: 14d, skip: yes }\n"), "skip");
    assert_contains(error_for("policy: { exempt_groups: [\"bad group\"] }\n"), "policy.exempt_groups: is not a valid group name");
    assert_contains(error_for("policy: { require_groups: staff }\n"), "policy.require_groups: must be a list");
    assert_contains(error_for("policy: { group_cache: 2h }\n"), "policy.group_cache");
}

void the_recovery_sections_parse(void**) {
    auto config = parse_config("enrollment: { grace: 14d }\nrecovery: { email: on, code_ttl: 20m, max_per_day: 5 }\n"
                               "email: { sendmail: [/usr/sbin/sendmail, -t, -i], from: mfa@example.com, timeout: 4s }\n",
                               "x.yaml");
    if (!config) fail_msg("%s", config.error().message.c_str());
    assert_int_equal(config->enrollment.grace.count(), 14 * 86400);
    assert_true(config->recovery.email);
    assert_int_equal(config->recovery.code_ttl.count(), 1200);
    assert_int_equal(config->recovery.max_per_day, 5);
    assert_str_eq(config->email.from, "mfa@example.com");
    assert_int_equal(config->email.timeout.count(), 4);
    auto defaults = parse_config("", "x.yaml");
    assert_false(defaults->recovery.email);  // off unless turned on
    assert_int_equal(defaults->enrollment.grace.count(), 0);
}

void unknown_key(void**) {
    assert_str_eq(error_for("issuer: a\nsokcet: /x\n"), "/etc/mfad/mfad.yaml:2: sokcet: unknown key");
    assert_str_eq(error_for("totp:\n  digits: 6\n  windw: 1\n"), "/etc/mfad/mfad.yaml:3: totp.windw: unknown key");
}

void repeated_key(void**) {
    assert_str_eq(error_for("issuer: a\nissuer: b\n"), "/etc/mfad/mfad.yaml:2: issuer: repeated key");
}

void wrong_type(void**) {
    assert_str_eq(error_for("\ntotp: 6\n"), "/etc/mfad/mfad.yaml:2: totp: must be a mapping");
    assert_str_eq(error_for("issuer: [a, b]\n"), "/etc/mfad/mfad.yaml:1: issuer: must be a single value");
    assert_contains(error_for("lockout:\n  max_failures: four\n"),
                    "mfad.yaml:2: lockout.max_failures: must be a whole number");
    assert_contains(error_for("sms:\n  provider: command\n  command: /bin/x\n"),
                    "mfad.yaml:3: sms.command: must be a non-empty list");
}

void out_of_range(void**) {
    assert_str_eq(error_for("totp: { digits: 9 }\n"),
                  "/etc/mfad/mfad.yaml:1: totp.digits: must be between 6 and 8 (got 9)");
    assert_contains(error_for("\n\nlockout:\n  max_failures: 0\n"), ":4: lockout.max_failures: must be between 1 and 100");
    assert_contains(error_for("lockout:\n  duration: 1s\n"), ":2: lockout.duration: must be between 10s and 7d");
    assert_contains(error_for("connections: { max: 0 }\n"), ":1: connections.max");
}

void bad_values(void**) {
    assert_contains(error_for("lockout:\n  duration: 5 minutes\n"), ":2: lockout.duration: must be a duration");
    assert_contains(error_for("lockout:\n  duration: 300\n"), ":2: lockout.duration: must be a duration");
    assert_contains(error_for("durability: fast\n"), ":1: durability: must be one of full | normal (got \"fast\")");
    assert_contains(error_for("totp: { algorithm: MD5 }\n"), "totp.algorithm: must be one of SHA1 | SHA256 | SHA512");
    assert_contains(error_for("database: var/lib/mfad.db\n"), ":1: database: must be an absolute path");
    assert_contains(error_for("issuer: \"a:b\"\n"), ":1: issuer: must not contain ':'");
    assert_contains(error_for("admin_group: \"wheel; rm\"\n"), ":1: admin_group: is not a valid group name");
    assert_contains(error_for("sms:\n  provider: command\n"), "sms.command: is required");
    assert_contains(error_for("sms:\n  command: [send-sms]\n"), "sms.command: the program must be an absolute path");
}

void malformed_yaml(void**) {
    assert_contains(error_for("totp: { digits: 6\nlockout: x\n"), "/etc/mfad/mfad.yaml:");
    assert_contains(error_for("issuer: a\n  bad: indent: here\n"), "mfad.yaml:2: syntax error");
    assert_contains(error_for("[1, 2]\n"), "must be a mapping");
}

void missing_file(void**) {
    mfa::test::TempDir dir;
    auto config = load_config(dir.file("absent.yaml"));
    assert_false(config.ok());
    assert_contains(config.error().message, "absent.yaml: cannot read");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(empty_file_means_defaults), cmocka_unit_test(shipped_config_parses_to_defaults),
        cmocka_unit_test(full_example_parses),       cmocka_unit_test(unknown_key),
        cmocka_unit_test(the_sender_sections_parse), cmocka_unit_test(the_sender_sections_refuse_what_cannot_work),
        cmocka_unit_test(the_recovery_sections_parse),
        cmocka_unit_test(repeated_key),              cmocka_unit_test(wrong_type),
        cmocka_unit_test(out_of_range),              cmocka_unit_test(bad_values),
        cmocka_unit_test(malformed_yaml),            cmocka_unit_test(missing_file),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
