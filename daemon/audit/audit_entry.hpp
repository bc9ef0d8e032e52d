// One security event, as stored in the audit table and sent to the journal.
// Never a code, a secret, a phone number, an email or a real name.
#pragma once

#include <cstdint>
#include <string>

namespace mfa::daemon {

struct AuditEntry {
    std::string event;   // enroll_start, enroll_confirm, verify_ok, verify_fail, lockout, ...
    std::string user;    // login name
    std::string result;  // ok, fail, replay, locked, already_enabled, ...
    std::string service;
    std::string rhost;
    std::uint32_t peer_uid = 0;
    std::string detail;
};

}  // namespace mfa::daemon
