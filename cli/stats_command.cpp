#include "stats_command.hpp"

#include <sstream>

#include "mfa/wire/admin_messages.hpp"

namespace mfa::cli {

CommandResult run_stats(const GlobalOptions& global) {
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto request = wire::encode_empty(wire::MessageType::stats, client->next_request_id());
    auto stats = call_and_decode(*client, request, wire::MessageType::stats_reply, wire::decode_stats_reply);
    if (!stats) return stats.error();
    Output out;
    out.json = nlohmann::json::object();
    std::istringstream lines(stats->counters);
    std::string name;
    std::uint64_t value = 0;
    while (lines >> name >> value) {
        out.json[name] = value;
        std::string padded = name + ":";
        padded.resize(std::max<std::size_t>(padded.size() + 1, 40), ' ');
        out.text += padded + std::to_string(value) + "\n";
    }
    if (!lines.eof()) return make_error("the daemon sent unreadable counters");
    return out;
}

}  // namespace mfa::cli
