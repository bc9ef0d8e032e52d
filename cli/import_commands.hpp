// mfactl import google-authenticator|oath: bring existing tokens over. A dry
// run unless --commit; one line per user saying what happened or why not.
#pragma once

#include <string>

#include "command.hpp"
#include "daemon_connection.hpp"

namespace mfa::cli {

struct ImportOptions {
    std::string user;       // one user
    bool all = false;       // every account NSS lists (google-authenticator)
    std::string file;       // google-authenticator: this file instead of ~USER/.google_authenticator
    std::string usersfile;  // oath
    bool commit = false;
};

CommandResult run_import_google_authenticator(const GlobalOptions& global, const ImportOptions& options);
CommandResult run_import_oath(const GlobalOptions& global, const ImportOptions& options);

}  // namespace mfa::cli
