// The 32-byte key that seals every secret at rest, and its key id.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "crypto/secret_bytes.hpp"
#include "mfa/result.hpp"

namespace mfa::daemon {

class MasterKey {
public:
    static constexpr std::size_t kSize = 32;
    static constexpr std::size_t kIdSize = 8;
    using Id = std::array<std::uint8_t, kIdSize>;

    // Refuses a symlink, anything but a regular file, group or other
    // permissions, an owner other than us or root, and a size other than 32.
    static Result<MasterKey> load(const std::string& path);
    static Result<MasterKey> from_bytes(std::span<const std::uint8_t> bytes);

    std::span<const std::uint8_t> bytes() const { return key_.view(); }
    const Id& id() const { return id_; }
    std::string id_hex() const;

private:
    MasterKey() = default;
    SecretBytes key_;
    Id id_{};
};

// $CREDENTIALS_DIRECTORY/mfad.key when systemd passed one, else key_file.
std::string resolve_key_path(const std::string& key_file);

// 32 bytes from the CSPRNG, mode 0600, never over an existing file.
Result<void> generate_key_file(const std::string& path);

}  // namespace mfa::daemon
