// How a push approval ended, and what that does: a denial counts toward the
// lockout, "not me" locks at once, and unanswered or denied pushes in a row
// pause push (push fatigue).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audit/audit_entry.hpp"

namespace mfa::daemon {

// failed: the sender or provider broke after the push went out (no one's miss).
enum class PushEnding { approved, denied, not_me, expired, cancelled, failed };

struct PushEnd {
    std::string user;
    std::int64_t challenge_id = 0;  // the challenges row the push spends (mfad's correlation)
    PushEnding ending = PushEnding::expired;
    std::int64_t now = 0;
    int max_unanswered = 3;
    std::int64_t pause_seconds = 300;
    int max_failures = 4;
    std::int64_t lock_seconds = 300;
    AuditEntry audit;  // service, rhost, peer and the detail (factor, challenge ids)
};

struct PushRecorded {
    std::int64_t locked_until = 0;  // > now: the account is locked
    std::int64_t paused_until = 0;  // > now: push is paused for the user
    std::vector<AuditEntry> audited;
};

}  // namespace mfa::daemon
