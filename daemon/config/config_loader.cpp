#include "config/config_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/config_reader.hpp"
#include "config/sender_config.hpp"
#include "mfa/duration.hpp"

namespace mfa::daemon {
namespace {

using config::ConfigError;
using config::Reader;

void read_store(const Reader& r, const YAML::Node& n, Config::Store& out) {
    r.only_keys(n, "store", {"backend", "postgresql"});
    if (n["backend"])
        out.backend = r.choice<StoreBackend>(n["backend"], "store.backend",
                                             {{"sqlite", StoreBackend::sqlite}, {"postgresql", StoreBackend::postgresql}});
    if (const auto& pg = n["postgresql"]) {
        r.only_keys(pg, "store.postgresql", {"conninfo", "password_credential"});
        if (pg["conninfo"]) out.conninfo = r.text(pg["conninfo"], "store.postgresql.conninfo");
        if (pg["password_credential"])
            out.password_credential = r.text(pg["password_credential"], "store.postgresql.password_credential");
    }
    if (out.backend == StoreBackend::postgresql && out.conninfo.empty())
        r.fail(n, "store.postgresql.conninfo", "is required when store.backend is postgresql");
}

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

void read_enrollment(const Reader& r, const YAML::Node& n, Config::Enrollment& out) {
    r.only_keys(n, "enrollment", {"grace"});
    if (n["grace"]) out.grace = r.duration(n["grace"], "enrollment.grace", Seconds(0), Seconds(365 * 86400));
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
                 "notify", "sms", "push", "enrollment", "email", "recovery", "policy", "rekey", "metrics", "connections", "durability", "store"});
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
    if (root["notify"]) config::read_notify(r, root["notify"], c.notify);
    if (root["sms"]) config::read_sms(r, root["sms"], c.sms);
    if (c.sms.timeout >= c.notify.timeout)
        r.fail(root, "sms.timeout", "must be shorter than notify.timeout, so mfad hears how a send ended");
    if (root["push"]) config::read_push(r, root["push"], c.push);
    if (root["enrollment"]) read_enrollment(r, root["enrollment"], c.enrollment);
    if (root["email"]) config::read_email(r, root["email"], c.email);
    if (root["recovery"]) read_recovery(r, root["recovery"], c.recovery);
    if (root["policy"]) read_policy(r, root["policy"], c.policy);
    if (c.email.timeout >= c.notify.timeout)
        r.fail(root, "email.timeout", "must be shorter than notify.timeout, so mfad hears how a send ended");
    if (root["rekey"]) read_rekey(r, root["rekey"], c.rekey);
    if (root["metrics"]) read_metrics(r, root["metrics"], c.metrics);
    if (root["connections"]) read_connections(r, root["connections"], c.connections);
    if (c.push.timeout >= c.connections.login_timeout)
        r.fail(root, "push.timeout", "must be shorter than connections.login_timeout, so an approval still finds its login");
    if (root["store"]) read_store(r, root["store"], c.store);
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
