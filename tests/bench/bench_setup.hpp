// The benchmark's world: users with secrets made by google-authenticator's own
// CLI, the same secrets for pam_oath and mfad, fake passwd entries (nss_wrapper)
// and private PAM service files (pam_wrapper).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::bench {

struct BenchUser {
    std::string name;
    std::vector<std::uint8_t> secret;
};

// Makes `count` users under dir: dir/ga-template/<user> (google-authenticator
// -t -d: time-based, reuse refused), dir/oath-template.users, dir/passwd and
// dir/group. Returns the users with their secrets.
Result<std::vector<BenchUser>> make_users(const std::string& dir, int count);

// dir/services/bench-{permit,ga,oath,mfa}; pam_mfa talks to `mfad_socket`.
Result<void> write_services(const std::string& dir, const std::string& pam_mfa, const std::string& mfad_socket);

// Fresh replay state for a run: the templates copied over the live files.
Result<void> reset_peer_state(const std::string& dir);

}  // namespace mfa::bench
