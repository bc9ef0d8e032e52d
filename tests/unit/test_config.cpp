// One test per error class; each checks that the message names file, line and key.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

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
    // push
    auto push = mfa::daemon::parse_config(
        "push:\n  provider: http\n  timeout: 45s\n  max_unanswered: 2\n  http:\n    preset: twilio-verify\n"
        "    service_sid: VA0123\n    username: AC0123\n    credential: twilio-token\n",
        "mfad.yaml");
    if (!push) fail_msg("%s", push.error().message.c_str());
    assert_true(push->push.provider == mfa::daemon::PushProvider::http);
    assert_str_eq(push->push.http.url, "https://verify.twilio.com/v2/Services/VA0123");
    assert_str_eq(push->push.http.auth, "basic");
    assert_int_equal(push->push.max_unanswered, 2);
    assert_int_equal(push->push.timeout.count(), 45);
    assert_contains(error_for("push:\n  provider: http\n"), "push.http: is required when push.provider is http");
    assert_contains(error_for("push:\n  provider: command\n"), "push.command: is required when push.provider is command");
    assert_contains(error_for("push: { command: [approve] }\n"), "push.command: the program must be an absolute path");
    assert_contains(error_for("push:\n  http: { preset: twilio-verify, username: AC1, credential: t }\n"),
                    "the twilio-verify preset needs service_sid");
    assert_contains(error_for("push:\n  http: { url: \"https://x/push\", auth: bearer }\n"),
                    "push.http.credential: is required for auth bearer");
    assert_contains(error_for("push:\n  http: { url: \"http://x/push\" }\n"), "push.http.url: must start with https://");
    assert_contains(error_for("push: { timeout: 1s }\n"), "push.timeout");
    assert_contains(error_for("push: { max_unanswered: 0 }\n"), "push.max_unanswered");
    assert_contains(error_for("push: { timeout: 200s }\n"), "push.timeout: must be shorter than connections.login_timeout");
    assert_contains(error_for("push: { provider: pager }\n"), "push.provider");

    // store
    auto fleet = mfa::daemon::parse_config(
        "store:\n  backend: postgresql\n  postgresql:\n    conninfo: \"host=db1 dbname=mfad\"\n"
        "    password_credential: mfad-db-password\n",
        "t.yaml");
    if (!fleet) fail_msg("%s", fleet.error().message.c_str());
    assert_true(fleet->store.backend == mfa::daemon::StoreBackend::postgresql);
    assert_str_eq(fleet->store.conninfo, "host=db1 dbname=mfad");
    assert_str_eq(fleet->store.password_credential, "mfad-db-password");
    assert_contains(error_for("store: { backend: postgresql }\n"),
                    "store.postgresql.conninfo: is required when store.backend is postgresql");
    assert_contains(error_for("store: { backend: mysql }\n"), "store.backend: must be one of sqlite | postgresql");
    assert_contains(error_for("store: { postgresql: { password: x } }\n"), "store.postgresql.password: unknown key");
    assert_contains(error_for("push:\n  http: { preset: twilio-verify, service_sid: \"VA1/../x\", username: a, credential: t }\n"),
                    "push.http.service_sid: must be letters and digits");
    assert_contains(error_for("recovery: { email: maybe }\n"), "recovery.email");
    assert_contains(error_for("recovery: { code_ttl: 1m }\n"), "recovery.code_ttl");
    assert_contains(error_for("recovery: { max_per_day: 0 }\n"), "recovery.max_per_day");
    assert_contains(error_for("enrollment: { grace: 400d }\n"), "enrollment.grace");
    assert_contains(error_for("enrollment: { grace: 14d, skip: yes }\n"), "skip");
    assert_contains(error_for("policy: { exempt_groups: [\"bad group\"] }\n"), "policy.exempt_groups: is not a valid group name");
    assert_contains(error_for("policy: { require_groups: staff }\n"), "policy.require_groups: must be a list");
    assert_contains(error_for("policy: { group_cache: 2h }\n"), "policy.group_cache");
    assert_contains(error_for("policy: { trusted_networks: 10.0.0.0/8 }\n"), "policy.trusted_networks: must be a list");
    assert_contains(error_for("policy: { trusted_networks: [{ cidr: 10.0.0.0/8 }] }\n"),
                    "policy.trusted_networks[0].services: must list the PAM services");
    assert_contains(error_for("policy: { trusted_networks: [{ cidr: 10.0.0.0/8, services: [] }] }\n"),
                    "policy.trusted_networks[0].services");
    assert_contains(error_for("policy: { trusted_networks: [{ cidr: 10.0.0.0/8, services: [\"ssh d\"] }] }\n"),
                    "is not a PAM service name");
    assert_contains(error_for("policy: { trusted_networks: [{ cidr: 10.0.0.0/8, services: [SSHD] }] }\n"),
                    "is not a PAM service name (lower case");
    assert_contains(error_for("policy: { trusted_networks: [{ cidr: 10.0.0.0/8, services: [sshd], port: 22 }] }\n"),
                    "policy.trusted_networks[0].port: unknown key");
    const char* wrong[][2] = {
        {"10.0.0.1", "must be ADDRESS/PREFIX"},
        {"10.0.0.1/8", "has host bits set after /8"},
        {"10.0.0.0/0", "the prefix must be 1 to 32"},
        {"10.0.0.0/33", "the prefix must be 1 to 32"},
        {"10.0.0.0/+8", "the prefix must be 1 to 32"},
        {"10.0.0.0/8x", "the prefix must be 1 to 32"},
        {"2001:db8::/129", "the prefix must be 1 to 128"},
        {"::/0", "the prefix must be 1 to 128"},
        {"2001:db8::1/32", "has host bits set"},
        {"\"::ffff:10.0.0.0/104\"", "write an IPv4-mapped network as IPv4"},
        {"intranet.example.com/24", "is not a numeric IPv4 or IPv6 address"},
        {"010.0.0.0/8", "is not a numeric"},
        {"127.0.0.0/8", "holds a loopback address"},
        {"0.0.0.0/1", "holds a loopback address"},
        {"\"::/127\"", "holds a loopback address"},
        {"10.0.0/8", "is not a numeric"},
    };
    for (const auto& [cidr, reason] : wrong)
        assert_contains(error_for(std::string("policy: { trusted_networks: [{ cidr: ") + cidr + ", services: [sshd] }] }\n"),
                        reason);
}

// Only a numeric PAM_RHOST inside the network, to a listed service, matches.
void a_trusted_network_matches_only_numeric_addresses_inside_it(void**) {
    auto config = parse_config("policy:\n  trusted_networks:\n"
                               "    - { cidr: 192.0.2.0/25, services: [sshd] }\n"
                               "    - { cidr: \"2001:db8:10::/48\", services: [sshd, login] }\n"
                               "    - { cidr: 198.51.100.7/32, services: [login] }\n",
                               "x.yaml");
    if (!config) fail_msg("%s", config.error().message.c_str());
    const auto& rules = config->policy.trusted_networks;
    assert_int_equal(rules.size(), 3);
    auto match = [&](const char* service, const char* rhost) {
        const auto* rule = mfa::daemon::trusted_network_of(rules, service, rhost);
        return rule == nullptr ? std::string("-") : rule->cidr;
    };
    assert_string_equal(match("sshd", "192.0.2.0").c_str(), "192.0.2.0/25");
    assert_string_equal(match("sshd", "192.0.2.127").c_str(), "192.0.2.0/25");
    assert_string_equal(match("sshd", "::ffff:192.0.2.9").c_str(), "192.0.2.0/25");  // sshd on a dual-stack socket
    assert_string_equal(match("sshd", "2001:db8:10:ffff::1").c_str(), "2001:db8:10::/48");
    assert_string_equal(match("sshd", "2001:DB8:10::1").c_str(), "2001:db8:10::/48");
    assert_string_equal(match("login", "198.51.100.7").c_str(), "198.51.100.7/32");
    const char* outside[][2] = {
        {"sshd", "192.0.2.128"},        // just past the /25
        {"sshd", "198.51.100.7"},       // a rule for login only
        {"su", "192.0.2.9"},            // no rule names su
        {"SSHD", "192.0.2.9"},          // service names are exact
        {"sshd", ""},                   // a local console
        {"sshd", "localhost"},          // a name never matches
        {"sshd", "192.0.2.9.evil.example"},
        {"sshd", "192.0.2.9 "},
        {"sshd", " 192.0.2.9"},
        {"sshd", "0192.0.2.9"},
        {"sshd", "192.0.2.011"},
        {"sshd", "3221225993"},         // 192.0.2.9 as one number: inet_aton would take it
        {"sshd", "0xc0.0.2.9"},
        {"sshd", "192.0.2"},
        {"sshd", "fe80::1%eth0"},
        {"sshd", "2001:db8:11::1"},
        {"sshd", "::192.0.2.9"},        // IPv4-compatible, not mapped
        {"login", "::ffff:198.51.100.8"},
    };
    for (const auto& [service, rhost] : outside)
        if (match(service, rhost) != "-") fail_msg("%s from \"%s\" matched %s", service, rhost, match(service, rhost).c_str());
    // This host itself: loopback and its own interfaces.
    assert_true(mfa::daemon::is_this_host("127.0.0.1"));
    assert_true(mfa::daemon::is_this_host("127.8.9.10"));
    assert_true(mfa::daemon::is_this_host("::1"));
    assert_true(mfa::daemon::is_this_host("::ffff:127.0.0.1"));
    assert_false(mfa::daemon::is_this_host("192.0.2.9"));
    assert_false(mfa::daemon::is_this_host("gw.example.com"));
    // Every address of every interface here (loopback's at least) is this host.
    ifaddrs* list = nullptr;
    assert_int_equal(getifaddrs(&list), 0);
    int seen = 0;
    for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6)) continue;
        char text[INET6_ADDRSTRLEN] = {};
        const void* raw = i->ifa_addr->sa_family == AF_INET
                              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr)
                              : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr);
        inet_ntop(i->ifa_addr->sa_family, raw, text, sizeof text);
        if (std::string(text).find('%') != std::string::npos || std::string(text).rfind("fe80", 0) == 0) continue;
        if (!mfa::daemon::is_this_host(text)) fail_msg("%s (%s) is not this host?", text, i->ifa_name);
        ++seen;
    }
    freeifaddrs(list);
    assert_true(seen >= 1);
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
        cmocka_unit_test(a_trusted_network_matches_only_numeric_addresses_inside_it),
        cmocka_unit_test(repeated_key),              cmocka_unit_test(wrong_type),
        cmocka_unit_test(out_of_range),              cmocka_unit_test(bad_values),
        cmocka_unit_test(malformed_yaml),            cmocka_unit_test(missing_file),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
