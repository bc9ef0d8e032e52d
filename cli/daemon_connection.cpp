#include "daemon_connection.hpp"

#include <unistd.h>

namespace mfa::cli {

Result<wire::Client> connect_daemon(const GlobalOptions& options) {
    wire::ClientOptions client;
    client.socket_path = options.socket;
    client.timeout = std::chrono::seconds(10);
    client.trusted_uids = wire::default_trusted_uids();
    client.trusted_uids.push_back(getuid());
    return wire::Client::connect(client);
}

}  // namespace mfa::cli
