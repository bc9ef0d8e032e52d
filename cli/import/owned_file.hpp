// Reading a token file that belongs to another account, as root, without
// being tricked. pam_oath's CVE-2024-47191 wrote as root in a directory the
// user controls; reading has its own traps: a symlink or hard link to
// /etc/shadow, a FIFO that blocks, a huge file.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::cli {

struct FileRules {
    std::optional<std::pair<uid_t, gid_t>> open_as;  // open with these filesystem ids (setfsuid): the user's own rights
    std::vector<uid_t> owners;                       // who may own it
    std::size_t max_bytes = 64 * 1024;
};

// The file's text; nullopt when there is no such file. Refused: a symlink as
// the last component, anything but a regular file with one link, an owner
// not in `owners`, a mode with any group or other bit (google-authenticator
// and pam_oath refuse those too), or more than max_bytes.
Result<std::optional<std::string>> read_owned_file(const std::string& path, const FileRules& rules);

}  // namespace mfa::cli
