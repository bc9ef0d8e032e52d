#include "audit/audit_journal.hpp"

#include "sys/log.hpp"

namespace mfa::daemon {

// One id for every mfad security event; MFA_EVENT tells them apart.
constexpr const char* kSecurityEventId = "5b8c0f3e2a7d4c19b6e1f0a3d9c27e54";

void journal_audit(const AuditEntry& e) {
    log::info("mfa " + e.event + " " + e.result + " for " + e.user,
              {{"MESSAGE_ID", kSecurityEventId},
               {"MFA_EVENT", e.event},
               {"MFA_USER", e.user},
               {"MFA_RESULT", e.result},
               {"MFA_SERVICE", e.service},
               {"MFA_RHOST", e.rhost},
               {"MFA_PEER_UID", std::to_string(e.peer_uid)}});
}

}  // namespace mfa::daemon
