// What the fleet tests share: one OATH token every host enrolls the same way,
// mfactl against one host, and the store section that points at PostgreSQL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon_fixture.hpp"
#include "process.hpp"

namespace mfa::test {

// RFC 4226 appendix D's key, "12345678901234567890", in hex.
inline constexpr const char* kFleetTokenHex = "3132333435363738393031323334353637383930";
// The token's code for `counter`, from oathtool.
std::string token_code(std::uint64_t counter);

Finished mfactl(DaemonFixture& host, std::vector<std::string> args);
// Enrolls the token for `user` on `on` from `hex_file` (kFleetTokenHex) and
// confirms it with code 0.
void enroll_token(DaemonFixture& on, const std::string& user, const std::string& hex_file);

// A `store:` section for `conninfo`; `use_it` selects the PostgreSQL backend.
std::string postgresql_section(const std::string& conninfo, bool use_it);

int count_of(const std::string& text, const std::string& what);

}  // namespace mfa::test
