#include "admin_commands.hpp"

#include <ctime>
#include <sstream>

#include "mfa/duration.hpp"
#include "mfa/utc_time.hpp"

#include "mfa/wire/admin_messages.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::cli {

CommandResult run_admin_action(const GlobalOptions& global, const std::string& action, const std::string& user,
                               const std::string& reason) {
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto request = wire::encode(wire::AdminAction{user, action, reason}, client->next_request_id());
    auto done = call_and_decode(*client, request, wire::MessageType::done, wire::decode_done);
    if (!done) return done.error();
    Output out;
    out.json = {{"user", user}, {"action", action}, {"message", done->message}};
    out.text = done->message + "\n";
    return out;
}

namespace {

Result<std::uint64_t> parse_since(const std::string& text) {
    if (text.empty()) return std::uint64_t{0};
    if (auto ago = parse_duration(text)) return static_cast<std::uint64_t>(std::time(nullptr) - ago->count());
    for (const char* format : {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"}) {
        std::tm tm{};
        const char* end = strptime(text.c_str(), format, &tm);
        if (end != nullptr && *end == '\0') return static_cast<std::uint64_t>(timegm(&tm));
    }
    return make_error("--since: use 2026-11-22, 2026-11-22T08:00:00Z, or a duration ago like 30m, 2h, 7d");
}

std::string text_line(const nlohmann::json& row) {
    std::string line = utc_time(row.at("time").get<std::int64_t>()) + "  #" + std::to_string(row.at("id").get<std::int64_t>()) +
                       "  " + row.at("event").get<std::string>() + "  " + row.at("user").get<std::string>() + "  " +
                       row.at("result").get<std::string>() + "  uid=" + std::to_string(row.at("peer_uid").get<int>());
    for (const char* field : {"service", "rhost", "detail"})
        if (!row.at(field).get<std::string>().empty()) line += std::string("  ") + field + "=" + row.at(field).get<std::string>();
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
    out.text = check->message + "\n";
    return out;
}

}  // namespace mfa::cli
