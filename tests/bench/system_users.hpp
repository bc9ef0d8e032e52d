// The benchmark's users as real accounts in /etc/passwd, for the length of a
// run: every module then looks users up through the same NSS (glibc's files),
// as on a host. nss_wrapper would charge each lookup differently: it calls
// getenv() for every entry it skips.
#pragma once

#include <string>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::bench {

// Every name starts with this, and every passwd line carries a marker with
// the run's pid in its GECOS field (the group is named for the pid); the next
// run removes what a killed run left, and never a live run's lines.
inline constexpr const char* kSystemUserPrefix = "mfabench";

class SystemUsers {
public:
    // Adds `count` users kSystemUserPrefix0.. (uids from first_uid, one group)
    // under lckpwdf(), after removing what a killed run left. Refuses a uid,
    // gid or name already taken anywhere NSS looks.
    static Result<SystemUsers> add(int count, unsigned first_uid);
    ~SystemUsers();  // removes them again
    SystemUsers(SystemUsers&& other) noexcept : active_(std::exchange(other.active_, false)) {}
    SystemUsers& operator=(SystemUsers&&) = delete;
    SystemUsers(const SystemUsers&) = delete;

    static std::string name(int index) { return kSystemUserPrefix + std::to_string(index); }

private:
    SystemUsers() = default;
    bool active_ = true;
};

}  // namespace mfa::bench
