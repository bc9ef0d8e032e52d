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

}  // namespace mfa::cli
