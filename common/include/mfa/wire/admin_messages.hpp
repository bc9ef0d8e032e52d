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

// One page of audit rows after `after_id`, filtered; empty filters match all.
struct AuditList {
    std::uint64_t after_id = 0;
    std::string user;
    std::uint64_t since = 0;  // unix seconds; 0: from the start
    std::string event;
};

struct AuditPage {
    std::string rows;  // one JSON object per line
    std::uint64_t next_after_id = 0;  // 0: this was the last page
};

FrameWriter encode(const AuditList& m, std::uint32_t request_id);
FrameWriter encode(const AuditPage& m, std::uint32_t request_id);
Result<AuditList> decode_audit_list(const PayloadReader& p);
Result<AuditPage> decode_audit_page(const PayloadReader& p);

FrameWriter encode(const AdminAction& m, std::uint32_t request_id);
FrameWriter encode(const AuditVerifyReply& m, std::uint32_t request_id);

Result<AdminAction> decode_admin_action(const PayloadReader& p);
Result<AuditVerifyReply> decode_audit_verify_reply(const PayloadReader& p);

}  // namespace mfa::wire
