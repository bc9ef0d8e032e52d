// The new key of a rotation under way, sealed under the old key, in a file
// beside the database. Never in the database: SQLite's WAL frames and free
// pages would keep copies after the row is gone. Here it is one file,
// overwritten and removed once mfad runs with the new key.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::daemon {

// `sealed` written whole (a temporary file, fsync, rename, fsync of the directory), mode 0600.
Result<void> write_pending_key(const std::string& path, std::span<const std::uint8_t> sealed);
// nullopt: there is none.
Result<std::optional<std::vector<std::uint8_t>>> read_pending_key(const std::string& path);
// Overwritten with zeros, synced, then removed; nothing to do when absent.
Result<void> destroy_pending_key(const std::string& path);

}  // namespace mfa::daemon
