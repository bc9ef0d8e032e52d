// How mfactl reaches mfad: the shared client, trusting root, the mfad user and
// the invoking user (a daemon you run yourself cannot deceive you).
#pragma once

#include <string>

#include "mfa/wire/client.hpp"

namespace mfa::cli {

struct GlobalOptions {
    std::string socket = "/run/mfad/mfad.sock";
    bool json = false;
};

Result<wire::Client> connect_daemon(const GlobalOptions& options);

// Sends `request` and insists on a reply of type `expected`; returns its fields' owner.
Result<wire::Reply> call_expecting(wire::Client& client, wire::FrameWriter& request, wire::MessageType expected);

// call_expecting, then the reply decoded with `decode`.
template <class Decode>
auto call_and_decode(wire::Client& client, wire::FrameWriter& request, wire::MessageType expected, Decode decode)
    -> decltype(decode(std::declval<const wire::PayloadReader&>())) {
    auto reply = call_expecting(client, request, expected);
    if (!reply) return reply.error();
    auto fields = reply->fields();
    if (!fields) return fields.error();
    return decode(*fields);
}

// The login name of whoever runs mfactl.
Result<std::string> invoking_user();

// `user`, or when empty the invoking user.
Result<std::string> user_or_self(const std::string& user);

// A user other than root acting on their own account: such requests prove
// possession with a current code (root and admins act without one).
bool acting_on_own_account(const std::string& user);

}  // namespace mfa::cli
