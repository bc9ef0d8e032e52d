#include "daemon_connection.hpp"

#include <pwd.h>
#include <unistd.h>

#include <vector>

namespace mfa::cli {

Result<wire::Client> connect_daemon(const GlobalOptions& options) {
    wire::ClientOptions client;
    client.socket_path = options.socket;
    client.timeout = std::chrono::seconds(10);
    client.trusted_uids = wire::default_trusted_uids();
    client.trusted_uids.push_back(getuid());
    client.protocol_min = wire::kEnrollAtLoginProtocol;  // recovery-email, admin grace, the recovery address in status
    return wire::Client::connect(client);
}

Result<wire::Reply> call_expecting(wire::Client& client, wire::FrameWriter& request, wire::MessageType expected) {
    auto reply = client.call(request);
    if (!reply) return reply.error();
    if (reply->type() != expected) return make_error("the daemon answered with an unexpected message");
    return std::move(*reply);
}

Result<std::string> invoking_user() {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
        return make_error("cannot find the name of uid " + std::to_string(getuid()));
    return std::string(pw.pw_name);
}

Result<std::string> user_or_self(const std::string& user) {
    if (!user.empty()) return user;
    return invoking_user();
}

bool acting_on_own_account(const std::string& user) {
    auto self = invoking_user();
    return getuid() != 0 && self && *self == user;
}

}  // namespace mfa::cli
