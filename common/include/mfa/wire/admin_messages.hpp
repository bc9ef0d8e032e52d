// Administration messages: unlock/reset a user, verify the audit chain.
#pragma once

#include <cstdint>
#include <string>

#include "mfa/result.hpp"
#include "mfa/wire/tlv.hpp"

namespace mfa::wire {

struct AdminAction {  // answered by DONE
    std::string user;
    std::string action;  // "unlock" or "reset"
    std::string reason;  // may be empty; never a real name
};

struct AuditVerifyReply {
    std::uint64_t rows = 0;
    std::uint64_t broken_id = 0;  // 0: the chain is intact
    std::string message;
};

FrameWriter encode(const AdminAction& m, std::uint32_t request_id);
FrameWriter encode(const AuditVerifyReply& m, std::uint32_t request_id);

Result<AdminAction> decode_admin_action(const PayloadReader& p);
Result<AuditVerifyReply> decode_audit_verify_reply(const PayloadReader& p);

}  // namespace mfa::wire
