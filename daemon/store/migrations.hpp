#pragma once

#include "store/sqlite_handle.hpp"

namespace mfa::daemon {

// Brings the file to the latest schema, one transaction per step. A file from
// a newer mfad is refused rather than guessed at. Returns the version reached.
Result<int> migrate(sqlite::Database& db);

}  // namespace mfa::daemon
