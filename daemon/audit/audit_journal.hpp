#pragma once

#include "audit/audit_entry.hpp"

namespace mfa::daemon {

// The journal's copy of an audit row: MESSAGE_ID plus MFA_* fields.
void journal_audit(const AuditEntry& entry);

}  // namespace mfa::daemon
