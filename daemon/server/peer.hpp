#pragma once

#include <sys/types.h>

namespace mfa::daemon {

// Who is on the other end, from SO_PEERCRED at accept time; every request is
// judged by it.
struct Peer {
    pid_t pid = 0;
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
};

}  // namespace mfa::daemon
