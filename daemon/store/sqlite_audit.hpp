#pragma once

#include <cstdint>

#include "audit/audit_entry.hpp"
#include "store/sqlite_handle.hpp"

namespace mfa::daemon {

// Appends one row to the audit chain; call inside the caller's transaction.
Result<void> append_audit_row(sqlite::Database& db, const AuditEntry& entry, std::int64_t now);

}  // namespace mfa::daemon
