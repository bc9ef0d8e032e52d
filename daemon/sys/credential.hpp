// A secret (a provider's API token, the database password), read once at start: from systemd's
// $CREDENTIALS_DIRECTORY/NAME (LoadCredential=), or from an absolute path
// that only its owner may read. Never from the YAML.
#pragma once

#include <string>

#include "mfa/result.hpp"

namespace mfa::daemon {

// The file's content without a trailing newline. Refuses a missing
// credential, a symlink, a file others may read, and an empty or huge one.
Result<std::string> read_credential(const std::string& name_or_path);

}  // namespace mfa::daemon
