// What mfad keeps, behind an interface: SQLite is the embedded default, and a
// shared PostgreSQL backend can implement the same calls for a fleet of hosts.
// Every call that changes state is one transaction, committed before it returns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::daemon {

enum class FactorKind { totp };
enum class FactorState { pending, active };

// A factor as stored: the secret is sealed (see crypto/secret_box.hpp), the
// store never sees plaintext.
struct FactorRecord {
    std::string user;
    FactorKind kind = FactorKind::totp;
    FactorState state = FactorState::pending;
    std::vector<std::uint8_t> sealed_secret;
    std::int64_t created_at = 0;  // unix seconds
};

class Store {
public:
    virtual ~Store() = default;

    virtual int schema_version() const = 0;

    // Creates the user row if needed and replaces that user's factor of this kind.
    virtual Result<void> save_factor(const FactorRecord& factor) = 0;
    virtual Result<std::optional<FactorRecord>> load_factor(std::string_view user, FactorKind kind) = 0;
};

}  // namespace mfa::daemon
