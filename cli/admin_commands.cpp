#include "admin_commands.hpp"

#include <ctime>
#include <sstream>

#include "mfa/duration.hpp"
#include "mfa/utc_time.hpp"
#include "mfa/utf8.hpp"

#include "mfa/wire/admin_messages.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::cli {

namespace {

// A time as people type it: a date, a UTC time, or a duration from now
// (`direction` -1: ago, +1: ahead).
Result<std::int64_t> parse_when(const std::string& text, int direction, const std::string& option) {
    if (auto span = parse_duration(text)) return static_cast<std::int64_t>(std::time(nullptr)) + direction * span->count();
    for (const char* format : {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"}) {
        std::tm tm{};
        const char* end = strptime(text.c_str(), format, &tm);
        if (end != nullptr && *end == '\0') return static_cast<std::int64_t>(timegm(&tm));
    }
    return make_error(option + ": use 2026-11-22, 2026-11-22T08:00:00Z, or a duration like 30m, 2h, 7d" +
                      (direction < 0 ? " (ago)" : " (from now)"));
}

}  // namespace

CommandResult run_admin_action(const GlobalOptions& global, const std::string& action, const std::string& user,
                               const std::string& reason, std::uint64_t until) {
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto request = wire::encode(wire::AdminAction{user, action, reason, until}, client->next_request_id());
    auto done = call_and_decode(*client, request, wire::MessageType::done, wire::decode_done);
    if (!done) return done.error();
    Output out;
    out.json = {{"user", user}, {"action", action}, {"message", done->message}};
    out.text = printable(done->message) + "\n";
    return out;
}

CommandResult run_admin_migrate_store(const GlobalOptions& global, const std::string& to, bool commit) {
    auto client = connect_daemon(global);
    if (!client) return client.error();
    if (client->server().protocol < wire::kFleetProtocol) return make_error("this mfad cannot migrate its store: upgrade it first");
    auto request = wire::encode(wire::MigrateStore{to, commit}, client->next_request_id());
    auto done = call_and_decode(*client, request, wire::MessageType::done, wire::decode_done);
    if (!done) return done.error();
    Output out;
    out.json = {{"to", to}, {"committed", commit}, {"message", done->message}};
    out.text = printable(done->message) + "\n";
    return out;
}

CommandResult run_admin_grace(const GlobalOptions& global, const std::string& user, const std::string& until,
                              const std::string& reason) {
    if (until == "none") return run_admin_action(global, "grace", user, reason, 0);
    auto when = parse_when(until, +1, "--until");
    if (!when) return when.error();
    if (*when <= 0) return make_error("--until: a time after 1970");
    return run_admin_action(global, "grace", user, reason, static_cast<std::uint64_t>(*when));
}

namespace {

Result<std::uint64_t> parse_since(const std::string& text) {
    if (text.empty()) return std::uint64_t{0};
    auto when = parse_when(text, -1, "--since");
    if (!when) return when.error();
    return static_cast<std::uint64_t>(std::max<std::int64_t>(*when, 0));
}

// Rows are data, not ours to trust (rows from before names were checked, a
// hand-edited table): every field is escaped, so none can forge a line or
// drive the admin's terminal.
std::string text_line(const nlohmann::json& row) {
    auto field = [&](const char* name) { return printable(row.at(name).get<std::string>()); };
    std::string line = utc_time(row.at("time").get<std::int64_t>()) + "  #" + std::to_string(row.at("id").get<std::int64_t>()) +
                       "  " + field("event") + "  " + field("user") + "  " + field("result") +
                       "  uid=" + std::to_string(row.at("peer_uid").get<std::uint32_t>());
    for (const char* name : {"service", "rhost", "detail"})
        if (!row.at(name).get<std::string>().empty()) line += std::string("  ") + name + "=" + field(name);
    return line + "\n";
}

}  // namespace

CommandResult run_audit_list(const GlobalOptions& global, const AuditListOptions& options) {
    auto since = parse_since(options.since);
    if (!since) return since.error();
    auto client = connect_daemon(global);
    if (!client) return client.error();
    Output out;
    out.json = {{"rows", nlohmann::json::array()}};
    std::uint64_t after = 0;
    do {
        auto request = wire::encode(wire::AuditList{after, options.user, *since, options.event}, client->next_request_id());
        auto page = call_and_decode(*client, request, wire::MessageType::audit_page, wire::decode_audit_page);
        if (!page) return page.error();
        std::istringstream lines(page->rows);
        for (std::string line; std::getline(lines, line);) {
            auto row = nlohmann::json::parse(line, nullptr, false);
            if (row.is_discarded()) return make_error("the daemon sent an unreadable audit row");
            out.text += text_line(row);
            out.json["rows"].push_back(std::move(row));
        }
        if (page->next_after_id != 0 && page->next_after_id <= after) return make_error("the daemon's paging went backwards");
        after = page->next_after_id;
    } while (after != 0);
    return out;
}

CommandResult run_audit_verify(const GlobalOptions& global) {
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto request = wire::encode_empty(wire::MessageType::audit_verify, client->next_request_id());
    auto check = call_and_decode(*client, request, wire::MessageType::audit_verify_reply, wire::decode_audit_verify_reply);
    if (!check) return check.error();
    if (check->broken_id != 0) return make_error(check->message);
    Output out;
    out.json = {{"rows", check->rows}, {"intact", true}};
    out.text = printable(check->message) + "\n";
    return out;
}

}  // namespace mfa::cli
