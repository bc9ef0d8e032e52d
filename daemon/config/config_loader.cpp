#include "config/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "mfa/duration.hpp"
#include "mfa/email_address.hpp"

namespace mfa::daemon {
namespace {

// Thrown inside the loader only; load_config turns it into a value.
struct ConfigError {
    std::string message;
};

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& reason) const {
        throw ConfigError{file_ + ":" + std::to_string(node.Mark().line + 1) + ": " + path + ": " + reason};
    }

    // A mapping whose keys are all known and none repeated.
    void only_keys(const YAML::Node& map, const std::string& path,
                   std::initializer_list<std::string_view> keys) const {
        if (!map.IsMap()) fail(map, path, "must be a mapping");
        std::set<std::string> seen;
        for (const auto& pair : map) {
            const auto& key = pair.first;
            std::string name = key.IsScalar() ? key.Scalar() : std::string();
            std::string where = path.empty() ? name : path + "." + name;
            if (std::find(keys.begin(), keys.end(), name) == keys.end()) fail(key, where, "unknown key");
            if (!seen.insert(name).second) fail(key, where, "repeated key");
        }
    }

    std::string text(const YAML::Node& node, const std::string& path) const {
        if (!node.IsScalar()) fail(node, path, "must be a single value");
        return node.Scalar();
    }

    int integer(const YAML::Node& node, const std::string& path, int low, int high) const {
        std::string value = text(node, path);
        int n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc{} || end != value.data() + value.size())
            fail(node, path, "must be a whole number (got \"" + value + "\")");
        if (n < low || n > high)
            fail(node, path, "must be between " + std::to_string(low) + " and " + std::to_string(high) +
                                 " (got " + value + ")");
        return n;
    }

    Seconds duration(const YAML::Node& node, const std::string& path, Seconds low, Seconds high) const {
        std::string value = text(node, path);
        auto d = parse_duration(value);
        if (!d) fail(node, path, "must be a duration like 30s, 5m or 1h (got \"" + value + "\")");
        if (*d < low || *d > high)
            fail(node, path, "must be between " + format_duration(low) + " and " + format_duration(high) +
                                 " (got " + value + ")");
        return *d;
    }

    std::string absolute_path(const YAML::Node& node, const std::string& path) const {
        std::string value = text(node, path);
        if (value.empty() || value.front() != '/') fail(node, path, "must be an absolute path");
        if (value.find('\0') != std::string::npos) fail(node, path, "must not contain NUL");
        return value;
    }

    template <class Enum>
    Enum choice(const YAML::Node& node, const std::string& path,
                std::initializer_list<std::pair<std::string_view, Enum>> options) const {
        std::string value = text(node, path);
        std::string names;
        for (const auto& [name, e] : options) {
            if (value == name) return e;
            names += names.empty() ? std::string(name) : " | " + std::string(name);
        }
        fail(node, path, "must be one of " + names + " (got \"" + value + "\")");
    }

    std::vector<std::string> string_list(const YAML::Node& node, const std::string& path) const {
        if (!node.IsSequence() || node.size() == 0) fail(node, path, "must be a non-empty list");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < node.size(); ++i)
            out.push_back(text(node[i], path + "[" + std::to_string(i) + "]"));
        return out;
    }

private:
    std::string file_;
};

void read_totp(const Reader& r, const YAML::Node& n, Config::Totp& out) {
    r.only_keys(n, "totp", {"digits", "period", "window", "algorithm"});
    if (n["digits"]) out.digits = r.integer(n["digits"], "totp.digits", otp::kMinDigits, otp::kMaxDigits);
    if (n["period"]) out.period = r.integer(n["period"], "totp.period", 15, 300);
    if (n["window"]) out.window = r.integer(n["window"], "totp.window", 0, 10);
    if (n["algorithm"])
        out.algorithm = r.choice<otp::Algorithm>(
            n["algorithm"], "totp.algorithm",
            {{"SHA1", otp::Algorithm::sha1}, {"SHA256", otp::Algorithm::sha256}, {"SHA512", otp::Algorithm::sha512}});
}

void read_hotp(const Reader& r, const YAML::Node& n, Config::Hotp& out) {
    r.only_keys(n, "hotp", {"window"});
    if (n["window"]) out.window = r.integer(n["window"], "hotp.window", 1, 100);
}

void read_backup_codes(const Reader& r, const YAML::Node& n, Config::BackupCodes& out) {
    r.only_keys(n, "backup_codes", {"count", "length"});
    if (n["count"]) out.count = r.integer(n["count"], "backup_codes.count", 1, 64);
    // 8 characters from 62 are about 47 bits: the least we accept for a code tried offline.
    if (n["length"]) out.length = r.integer(n["length"], "backup_codes.length", 8, 32);
}

void read_lockout(const Reader& r, const YAML::Node& n, Config::Lockout& out) {
    r.only_keys(n, "lockout", {"max_failures", "duration"});
    if (n["max_failures"]) out.max_failures = r.integer(n["max_failures"], "lockout.max_failures", 1, 100);
    if (n["duration"]) out.duration = r.duration(n["duration"], "lockout.duration", Seconds(10), Seconds(7 * 86400));
}

void read_disable(const Reader& r, const YAML::Node& n, Config::Disable& out) {
    r.only_keys(n, "disable", {"duration"});
    if (n["duration"]) out.duration = r.duration(n["duration"], "disable.duration", Seconds(600), Seconds(30 * 86400));
}

void read_notify(const Reader& r, const YAML::Node& n, Config::Notify& out) {
    r.only_keys(n, "notify", {"socket", "timeout", "client_user"});
    if (n["socket"]) out.socket = r.absolute_path(n["socket"], "notify.socket");
    if (n["timeout"]) out.timeout = r.duration(n["timeout"], "notify.timeout", Seconds(1), Seconds(60));
    if (n["client_user"]) out.client_user = r.text(n["client_user"], "notify.client_user");
}

// The Twilio preset: its Messages API, a form body, basic auth with the
// account SID, the reply's "sid" as the message id.
void apply_twilio(const Reader& r, const YAML::Node& n, Config::SmsHttp& out) {
    if (out.account_sid.empty() || out.from.empty())
        r.fail(n, "sms.http", "the twilio preset needs account_sid and from");
    if (out.url.empty())
        out.url = "https://api.twilio.com/2010-04-01/Accounts/" + out.account_sid + "/Messages.json";
    if (out.fields.empty()) out.fields = {{"To", "{phone}"}, {"From", out.from}, {"Body", "{text}"}};
    if (out.auth == "none") out.auth = "basic";
    if (out.username.empty()) out.username = out.account_sid;
    if (out.message_id.empty()) out.message_id = "sid";
}

void read_sms_http(const Reader& r, const YAML::Node& n, Config::SmsHttp& out) {
    r.only_keys(n, "sms.http", {"preset", "url", "body", "fields", "auth", "username", "credential", "ca_file",
                                "message_id", "account_sid", "from"});
    if (n["preset"]) out.preset = r.choice<std::string>(n["preset"], "sms.http.preset", {{"twilio", "twilio"}});
    if (n["url"]) {
        out.url = r.text(n["url"], "sms.http.url");
        if (out.url.rfind("https://", 0) != 0) r.fail(n["url"], "sms.http.url", "must start with https://");
    }
    if (n["body"]) out.json = r.choice<bool>(n["body"], "sms.http.body", {{"form", false}, {"json", true}});
    if (n["fields"]) {
        if (!n["fields"].IsMap() || n["fields"].size() == 0) r.fail(n["fields"], "sms.http.fields", "must be a non-empty mapping");
        for (const auto& pair : n["fields"])
            out.fields.emplace_back(r.text(pair.first, "sms.http.fields"), r.text(pair.second, "sms.http.fields"));
    }
    if (n["auth"])
        out.auth = r.choice<std::string>(n["auth"], "sms.http.auth", {{"none", "none"}, {"bearer", "bearer"}, {"basic", "basic"}});
    if (n["username"]) out.username = r.text(n["username"], "sms.http.username");
    if (n["credential"]) out.credential = r.text(n["credential"], "sms.http.credential");
    if (n["ca_file"]) out.ca_file = r.absolute_path(n["ca_file"], "sms.http.ca_file");
    if (n["message_id"]) out.message_id = r.text(n["message_id"], "sms.http.message_id");
    if (n["account_sid"]) out.account_sid = r.text(n["account_sid"], "sms.http.account_sid");
    if (n["from"]) out.from = r.text(n["from"], "sms.http.from");
    if (out.preset == "twilio") apply_twilio(r, n, out);
    if (out.url.empty()) r.fail(n, "sms.http.url", "is required (or a preset)");
    if (out.fields.empty()) r.fail(n, "sms.http.fields", "is required (or a preset)");
    if (out.auth != "none" && out.credential.empty())
        r.fail(n, "sms.http.credential", "is required for auth " + out.auth + ": the secret is never in this file");
    if (out.auth == "basic" && out.username.empty()) r.fail(n, "sms.http.username", "is required for basic auth");
}

void read_push_http(const Reader& r, const YAML::Node& n, Config::PushHttp& out) {
    r.only_keys(n, "push.http", {"preset", "url", "service_sid", "auth", "username", "credential", "ca_file"});
    if (n["preset"])
        out.preset = r.choice<std::string>(n["preset"], "push.http.preset", {{"twilio-verify", "twilio-verify"}});
    if (n["url"]) {
        out.url = r.text(n["url"], "push.http.url");
        if (out.url.rfind("https://", 0) != 0) r.fail(n["url"], "push.http.url", "must start with https://");
    }
    if (n["service_sid"]) {
        out.service_sid = r.text(n["service_sid"], "push.http.service_sid");
        if (!std::all_of(out.service_sid.begin(), out.service_sid.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
            r.fail(n["service_sid"], "push.http.service_sid", "must be letters and digits (VA...)");
    }
    if (n["auth"])
        out.auth = r.choice<std::string>(n["auth"], "push.http.auth", {{"none", "none"}, {"bearer", "bearer"}, {"basic", "basic"}});
    if (n["username"]) out.username = r.text(n["username"], "push.http.username");
    if (n["credential"]) out.credential = r.text(n["credential"], "push.http.credential");
    if (n["ca_file"]) out.ca_file = r.absolute_path(n["ca_file"], "push.http.ca_file");
    if (out.preset == "twilio-verify") {
        // The Verify service's URL; the account SID and auth token are the basic auth.
        if (out.service_sid.empty() && out.url.empty()) r.fail(n, "push.http", "the twilio-verify preset needs service_sid");
        if (out.url.empty()) out.url = "https://verify.twilio.com/v2/Services/" + out.service_sid;
        if (out.auth == "none") out.auth = "basic";
    }
    if (out.url.empty()) r.fail(n, "push.http.url", "is required (or a preset)");
    if (out.auth != "none" && out.credential.empty())
        r.fail(n, "push.http.credential", "is required for auth " + out.auth + ": the secret is never in this file");
    if (out.auth == "basic" && out.username.empty()) r.fail(n, "push.http.username", "is required for basic auth");
}

void read_push(const Reader& r, const YAML::Node& n, Config::Push& out) {
    r.only_keys(n, "push", {"provider", "command", "http", "timeout", "max_unanswered", "max_per_user_per_hour",
                            "max_per_user_per_day", "max_per_hour"});
    if (n["provider"])
        out.provider = r.choice<PushProvider>(n["provider"], "push.provider",
                                              {{"none", PushProvider::none}, {"command", PushProvider::command}, {"http", PushProvider::http}});
    if (n["command"]) {
        out.command = r.string_list(n["command"], "push.command");
        if (out.command.empty() || out.command.front().empty() || out.command.front()[0] != '/')
            r.fail(n["command"], "push.command", "the program must be an absolute path");
    }
    if (n["http"]) read_push_http(r, n["http"], out.http);
    if (n["timeout"]) out.timeout = r.duration(n["timeout"], "push.timeout", Seconds(2), Seconds(300));
    if (n["max_unanswered"]) out.max_unanswered = r.integer(n["max_unanswered"], "push.max_unanswered", 1, 100);
    if (n["max_per_user_per_hour"])
        out.max_per_user_per_hour = r.integer(n["max_per_user_per_hour"], "push.max_per_user_per_hour", 1, 100000);
    if (n["max_per_user_per_day"])
        out.max_per_user_per_day = r.integer(n["max_per_user_per_day"], "push.max_per_user_per_day", 1, 100000);
    if (n["max_per_hour"]) out.max_per_hour = r.integer(n["max_per_hour"], "push.max_per_hour", 1, 1000000);
    if (out.provider == PushProvider::command && out.command.empty())
        r.fail(n, "push.command", "is required when push.provider is command");
    if (out.provider == PushProvider::http && !n["http"]) r.fail(n, "push.http", "is required when push.provider is http");
}

void read_sms(const Reader& r, const YAML::Node& n, Config::Sms& out) {
    r.only_keys(n, "sms", {"provider", "command", "http", "timeout", "code_ttl", "resend_after", "max_per_user_per_hour",
                           "max_per_user_per_day", "max_per_number_per_day", "max_per_hour"});
    if (n["provider"])
        out.provider = r.choice<SmsProvider>(n["provider"], "sms.provider",
                                             {{"command", SmsProvider::command}, {"http", SmsProvider::http}});
    if (n["command"]) {
        out.command = r.string_list(n["command"], "sms.command");
        if (out.command.front().empty() || out.command.front().front() != '/')
            r.fail(n["command"], "sms.command", "the program must be an absolute path");
    }
    if (n["http"]) read_sms_http(r, n["http"], out.http);
    if (n["timeout"]) out.timeout = r.duration(n["timeout"], "sms.timeout", Seconds(1), Seconds(30));
    if (n["code_ttl"]) out.code_ttl = r.duration(n["code_ttl"], "sms.code_ttl", Seconds(60), Seconds(1800));
    if (n["resend_after"])
        out.resend_after = r.duration(n["resend_after"], "sms.resend_after", Seconds(0), Seconds(600));
    if (out.resend_after >= out.code_ttl) r.fail(n, "sms.resend_after", "must be shorter than sms.code_ttl");
    if (n["max_per_user_per_hour"])
        out.max_per_user_per_hour = r.integer(n["max_per_user_per_hour"], "sms.max_per_user_per_hour", 1, 100000);
    if (n["max_per_user_per_day"])
        out.max_per_user_per_day = r.integer(n["max_per_user_per_day"], "sms.max_per_user_per_day", 1, 100000);
    if (n["max_per_number_per_day"])
        out.max_per_number_per_day = r.integer(n["max_per_number_per_day"], "sms.max_per_number_per_day", 1, 100000);
    if (n["max_per_hour"]) out.max_per_hour = r.integer(n["max_per_hour"], "sms.max_per_hour", 1, 1000000);
    if (out.provider == SmsProvider::command && out.command.empty())
        r.fail(n, "sms.command", "is required when sms.provider is command");
    if (out.provider == SmsProvider::http && !n["http"]) r.fail(n, "sms.http", "is required when sms.provider is http");
}

void read_enrollment(const Reader& r, const YAML::Node& n, Config::Enrollment& out) {
    r.only_keys(n, "enrollment", {"grace"});
    if (n["grace"]) out.grace = r.duration(n["grace"], "enrollment.grace", Seconds(0), Seconds(365 * 86400));
}

void read_email(const Reader& r, const YAML::Node& n, Config::Email& out) {
    r.only_keys(n, "email", {"sendmail", "from", "timeout"});
    if (n["timeout"]) out.timeout = r.duration(n["timeout"], "email.timeout", Seconds(1), Seconds(30));
    if (n["sendmail"]) {
        out.sendmail = r.string_list(n["sendmail"], "email.sendmail");
        if (out.sendmail.front().empty() || out.sendmail.front().front() != '/')
            r.fail(n["sendmail"], "email.sendmail", "the program must be an absolute path");
    }
    if (n["from"]) {
        out.from = r.text(n["from"], "email.from");
        if (!valid_email_address(out.from)) r.fail(n["from"], "email.from", "must be a plain address (user@domain)");
    }
}

void read_recovery(const Reader& r, const YAML::Node& n, Config::Recovery& out) {
    r.only_keys(n, "recovery", {"email", "code_ttl", "max_per_day"});
    if (n["email"]) out.email = r.choice<bool>(n["email"], "recovery.email", {{"on", true}, {"off", false}, {"true", true}, {"false", false}});
    if (n["code_ttl"]) out.code_ttl = r.duration(n["code_ttl"], "recovery.code_ttl", Seconds(300), Seconds(86400));
    if (n["max_per_day"]) out.max_per_day = r.integer(n["max_per_day"], "recovery.max_per_day", 1, 20);
}

void check_group_name(const Reader& r, const YAML::Node& n, const std::string& group,
                      const std::string& path = "admin_group") {
    bool ok = !group.empty() && group.size() <= 32 && group.front() != '-' &&
              std::all_of(group.begin(), group.end(), [](char c) {
                  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                         c == '-' || c == '.';
              });
    if (!ok) r.fail(n, path, "is not a valid group name");
}

void read_group_list(const Reader& r, const YAML::Node& n, const std::string& path, std::vector<std::string>& out) {
    if (!n.IsSequence()) r.fail(n, path, "must be a list of group names");
    for (const auto& item : n) {
        auto group = r.text(item, path);
        check_group_name(r, item, group, path);
        out.push_back(group);
    }
}

// A PAM service name as it appears in /etc/pam.d, compared exactly. Lower
// case only: Linux-PAM lowercases PAM_SERVICE, so "SSHD" would never match.
void check_service_name(const Reader& r, const YAML::Node& n, const std::string& service, const std::string& path) {
    bool ok = !service.empty() && service.size() <= 64 && service.front() != '.' &&
              std::all_of(service.begin(), service.end(), [](char c) {
                  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
              });
    if (!ok) r.fail(n, path, "is not a PAM service name (lower case letters, digits, . _ -)");
}

void read_trusted_networks(const Reader& r, const YAML::Node& n, std::vector<TrustedNetwork>& out) {
    const std::string path = "policy.trusted_networks";
    if (!n.IsSequence()) r.fail(n, path, "must be a list of { cidr: NETWORK, services: [SERVICE, ...] }");
    for (std::size_t i = 0; i < n.size(); ++i) {
        const YAML::Node& item = n[i];
        const std::string where = path + "[" + std::to_string(i) + "]";
        r.only_keys(item, where, {"cidr", "services"});
        if (!item["cidr"]) r.fail(item, where + ".cidr", "is required");
        // Every service named: a rule meant for sshd must not also open su or sudo.
        if (!item["services"] || !item["services"].IsSequence() || item["services"].size() == 0)
            r.fail(item, where + ".services", "must list the PAM services it applies to, like [sshd]");
        TrustedNetwork rule;
        rule.cidr = r.text(item["cidr"], where + ".cidr");
        std::string why;
        auto network = IpNetwork::parse(rule.cidr, why);
        if (!network) r.fail(item["cidr"], where + ".cidr", why);
        if (network->contains("127.0.0.1") || network->contains("::1"))
            r.fail(item["cidr"], where + ".cidr", "holds a loopback address: a local user could skip the second factor");
        rule.network = *network;
        for (const auto& service : item["services"]) {
            rule.services.push_back(r.text(service, where + ".services"));
            check_service_name(r, service, rule.services.back(), where + ".services");
        }
        out.push_back(std::move(rule));
    }
}

void read_policy(const Reader& r, const YAML::Node& n, Config::Policy& out) {
    r.only_keys(n, "policy", {"require_groups", "exempt_groups", "group_cache", "trusted_networks"});
    if (n["trusted_networks"]) read_trusted_networks(r, n["trusted_networks"], out.trusted_networks);
    if (n["require_groups"]) read_group_list(r, n["require_groups"], "policy.require_groups", out.require_groups);
    if (n["exempt_groups"]) read_group_list(r, n["exempt_groups"], "policy.exempt_groups", out.exempt_groups);
    if (n["group_cache"]) out.group_cache = r.duration(n["group_cache"], "policy.group_cache", Seconds(0), Seconds(3600));
}

void read_rekey(const Reader& r, const YAML::Node& n, Config::Rekey& out) {
    r.only_keys(n, "rekey", {"batch", "pause_ms"});
    if (n["batch"]) out.batch = r.integer(n["batch"], "rekey.batch", 1, 10000);
    if (n["pause_ms"]) out.pause_ms = r.integer(n["pause_ms"], "rekey.pause_ms", 0, 10000);
}

void read_metrics(const Reader& r, const YAML::Node& n, Config::Metrics& out) {
    r.only_keys(n, "metrics", {"textfile", "interval"});
    if (n["textfile"]) out.textfile = r.absolute_path(n["textfile"], "metrics.textfile");
    if (n["interval"]) out.interval = r.duration(n["interval"], "metrics.interval", Seconds(5), Seconds(3600));
}

void read_connections(const Reader& r, const YAML::Node& n, Config::Connections& out) {
    r.only_keys(n, "connections", {"max", "max_per_user", "idle_timeout", "login_timeout", "max_logins_per_user"});
    if (n["max"]) out.max = r.integer(n["max"], "connections.max", 1, 65536);
    if (n["max_per_user"]) out.max_per_user = r.integer(n["max_per_user"], "connections.max_per_user", 1, 65536);
    if (n["idle_timeout"])
        out.idle_timeout = r.duration(n["idle_timeout"], "connections.idle_timeout", Seconds(1), Seconds(3600));
    if (n["login_timeout"])
        out.login_timeout = r.duration(n["login_timeout"], "connections.login_timeout", Seconds(10), Seconds(600));
    if (n["max_logins_per_user"])
        out.max_logins_per_user = r.integer(n["max_logins_per_user"], "connections.max_logins_per_user", 1, 64);
}

void check_issuer(const Reader& r, const YAML::Node& n, const std::string& issuer) {
    // The Key Uri Format forbids ':' in the issuer; 64 characters fit any app's screen.
    if (issuer.empty() || issuer.size() > 64) r.fail(n, "issuer", "must be 1 to 64 characters");
    if (issuer.find(':') != std::string::npos) r.fail(n, "issuer", "must not contain ':'");
}

Config read_root(const Reader& r, const YAML::Node& root) {
    Config c;
    if (root.IsNull()) return c;  // an empty file means every default
    r.only_keys(root, "",
                {"socket", "database", "key_file", "issuer", "admin_group", "totp", "hotp", "backup_codes", "lockout", "disable",
                 "notify", "sms", "push", "enrollment", "email", "recovery", "policy", "rekey", "metrics", "connections", "durability"});
    if (root["socket"]) c.socket = r.absolute_path(root["socket"], "socket");
    if (root["database"]) c.database = r.absolute_path(root["database"], "database");
    if (root["key_file"]) c.key_file = r.absolute_path(root["key_file"], "key_file");
    if (root["issuer"]) {
        c.issuer = r.text(root["issuer"], "issuer");
        check_issuer(r, root["issuer"], c.issuer);
    }
    if (root["admin_group"]) {
        c.admin_group = r.text(root["admin_group"], "admin_group");
        check_group_name(r, root["admin_group"], c.admin_group);
    }
    if (root["totp"]) read_totp(r, root["totp"], c.totp);
    if (root["hotp"]) read_hotp(r, root["hotp"], c.hotp);
    if (root["backup_codes"]) read_backup_codes(r, root["backup_codes"], c.backup_codes);
    if (root["lockout"]) read_lockout(r, root["lockout"], c.lockout);
    if (root["disable"]) read_disable(r, root["disable"], c.disable);
    if (root["notify"]) read_notify(r, root["notify"], c.notify);
    if (root["sms"]) read_sms(r, root["sms"], c.sms);
    if (c.sms.timeout >= c.notify.timeout)
        r.fail(root, "sms.timeout", "must be shorter than notify.timeout, so mfad hears how a send ended");
    if (root["push"]) read_push(r, root["push"], c.push);
    if (root["enrollment"]) read_enrollment(r, root["enrollment"], c.enrollment);
    if (root["email"]) read_email(r, root["email"], c.email);
    if (root["recovery"]) read_recovery(r, root["recovery"], c.recovery);
    if (root["policy"]) read_policy(r, root["policy"], c.policy);
    if (c.email.timeout >= c.notify.timeout)
        r.fail(root, "email.timeout", "must be shorter than notify.timeout, so mfad hears how a send ended");
    if (root["rekey"]) read_rekey(r, root["rekey"], c.rekey);
    if (root["metrics"]) read_metrics(r, root["metrics"], c.metrics);
    if (root["connections"]) read_connections(r, root["connections"], c.connections);
    if (c.push.timeout >= c.connections.login_timeout)
        r.fail(root, "push.timeout", "must be shorter than connections.login_timeout, so an approval still finds its login");
    if (root["durability"])
        c.durability = r.choice<Durability>(root["durability"], "durability",
                                            {{"full", Durability::full}, {"normal", Durability::normal}});
    return c;
}

}  // namespace

Result<Config> parse_config(std::string_view yaml, const std::string& file_name) {
    try {
        const YAML::Node root = YAML::Load(std::string(yaml));
        return read_root(Reader(file_name), root);
    } catch (const ConfigError& e) {
        return make_error(e.message);
    } catch (const YAML::Exception& e) {
        return make_error(file_name + ":" + std::to_string(e.mark.line + 1) + ": syntax error: " + e.msg);
    }
}

Result<Config> load_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(path + ": cannot read the configuration file");
    std::ostringstream text;
    text << in.rdbuf();
    // A config file is small; a huge one is a mistake, not a config.
    if (text.view().size() > 1 << 20) return make_error(path + ": larger than 1 MiB");
    return parse_config(text.view(), path);
}

}  // namespace mfa::daemon
