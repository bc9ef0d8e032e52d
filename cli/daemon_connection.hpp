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

// The login name of whoever runs mfactl.
Result<std::string> invoking_user();

}  // namespace mfa::cli
