#pragma once

#include <cstdint>

#include "audit/audit_entry.hpp"
#include "audit/audit_seal.hpp"
#include "store/store.hpp"
#include "store/sql_connection.hpp"

namespace mfa::daemon {

// Appends one row to the audit chain and reseals the head; call inside the
// caller's transaction. The row follows the sealed head, not whatever row is
// last in the table: rows deleted from the end leave a gap that verify finds.
Result<void> append_audit_row(sql::Connection& db, const AuditSeal& seal, const AuditEntry& entry, std::int64_t now);

// Seals the head of a chain written before the seal existed (schema 2), on
// first use; does nothing when the head is sealed or the chain is empty.
Result<void> seal_unsealed_audit_head(sql::Connection& db, const AuditSeal& seal);

// Walks the chain from the first row, then checks its end against the sealed head.
Result<AuditCheck> verify_audit_rows(sql::Connection& db, const AuditSeal& seal);

}  // namespace mfa::daemon
