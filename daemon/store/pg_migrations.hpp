#pragma once

#include "store/pg_handle.hpp"

namespace mfa::daemon {

// Brings a PostgreSQL database to the latest schema (the same version numbers
// as SQLite's). An empty database gets the current schema in one step; a
// newer one is refused. Hosts starting at once take turns on an advisory lock,
// so each step runs exactly once. Returns the version reached.
Result<int> migrate_postgresql(pg::Database& db);

}  // namespace mfa::daemon
