#include "admin_commands.hpp"

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
