#include "config/sender_config.hpp"

#include <cctype>

#include "mfa/email_address.hpp"

namespace mfa::daemon::config {
namespace {

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

}  // namespace

void read_notify(const Reader& r, const YAML::Node& n, Config::Notify& out) {
    r.only_keys(n, "notify", {"socket", "timeout", "client_user"});
    if (n["socket"]) out.socket = r.absolute_path(n["socket"], "notify.socket");
    if (n["timeout"]) out.timeout = r.duration(n["timeout"], "notify.timeout", Seconds(1), Seconds(60));
    if (n["client_user"]) out.client_user = r.text(n["client_user"], "notify.client_user");
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

}  // namespace mfa::daemon::config
