#include "ping_command.hpp"

#include <chrono>
#include <cstdio>

namespace mfa::cli {

CommandResult run_ping(const GlobalOptions& options) {
    auto client = connect_daemon(options);
    if (!client) return client.error();

    auto started = std::chrono::steady_clock::now();
    auto ping = wire::encode_empty(wire::MessageType::ping, client->next_request_id());
    auto pong = call_expecting(*client, ping, wire::MessageType::pong);
    auto rtt = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    if (!pong) return pong.error();

    auto status_request = wire::encode_empty(wire::MessageType::status, client->next_request_id());
    auto status = call_and_decode(*client, status_request, wire::MessageType::status_reply, wire::decode_status_reply);
    if (!status) return status.error();

    // A health check: mfad answering without its store cannot log anyone in.
    bool unreachable = status->store.find("unreachable") != std::string::npos;
    char line[512];
    snprintf(line, sizeof line, "mfad %s (protocol %u, schema %u, up %llu s, store %s): round trip %.3f ms\n",
             status->software.c_str(), client->server().protocol, status->schema_version,
             static_cast<unsigned long long>(status->uptime_ms / 1000), status->store.c_str(), rtt);
    if (unreachable)
        return make_error("mfad answers, but its store is unreachable: logins fail closed until it is back (see mfad's log)");
    Output out;
    out.text = line;
    out.json = {{"version", status->software},
                {"protocol", client->server().protocol},
                {"schema_version", status->schema_version},
                {"uptime_ms", status->uptime_ms},
                {"store", status->store},
                {"rtt_ms", rtt}};
    return out;
}

}  // namespace mfa::cli
