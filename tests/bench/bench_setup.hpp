// The benchmark's world: users with secrets made by google-authenticator's own
// CLI, the same secrets for pam_oath and mfad, and private PAM service files
// (pam_wrapper). The users themselves are real accounts (system_users.hpp).
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

// Makes the secrets of `count` users (SystemUsers::name) under dir:
// dir/ga-template/<user> (google-authenticator -t -d -u -w 3: time-based,
// reuse refused, no rate limit), dir/ga-reuse-template/<user> (the same with
// -D: reuse allowed) and dir/oath-template.users. Returns them.
Result<std::vector<BenchUser>> make_users(const std::string& dir, int count);

// dir/services/bench-{permit,ga,ga-reuse,oath,mfa}; pam_mfa talks to `mfad_socket`.
Result<void> write_services(const std::string& dir, const std::string& pam_mfa, const std::string& mfad_socket);

// Fresh replay state for a run: the templates copied over the live files.
Result<void> reset_peer_state(const std::string& dir);

}  // namespace mfa::bench
