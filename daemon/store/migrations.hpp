#pragma once

#include "store/sqlite_handle.hpp"

namespace mfa::daemon {

// Brings the file to schema `target` (-1: the latest), one transaction per
// step. A file from a newer mfad is refused rather than guessed at. Returns
// the version reached. Tests build an earlier release's database with a target.
Result<int> migrate(sqlite::Database& db, int target = -1);

}  // namespace mfa::daemon
