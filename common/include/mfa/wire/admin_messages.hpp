// Administration messages: unlock/reset/disable a user, the audit log, counters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mfa/result.hpp"
#include "mfa/wire/tlv.hpp"

namespace mfa::wire {

struct AdminAction {  // answered by DONE
    std::string user;
    std::string action;  // "unlock", "reset", "grace" or "resync" (protocol 5)
    std::string reason;  // may be empty; never a real name
    std::uint64_t until = 0;  // grace: the user may put enrollment off until then (unix seconds); 0: as configured
    // resync: two consecutive codes from the user's HOTP token `factor` (empty: the only one).
    std::string code = {};
    std::string next_code = {};
    std::string factor = {};
};

// ADMIN_REKEY (root only): `key` is the new master key in base32; empty asks
// how the rotation under way is doing. Answered by REKEY_STATUS.
struct AdminRekey {
    std::string key;
};

struct RekeyStatus {
    std::string old_key;  // key ids, hex; empty: no rotation
    std::string new_key;
    std::uint64_t resealed = 0;
    std::optional<std::uint64_t> remaining;  // not counted yet
    bool finished = false;
    std::string problem;  // why re-sealing stopped
};

// MIGRATE_STORE: copy this host's SQLite store into `to` ("postgresql"), or
// say what would be copied (commit false).
struct MigrateStore {
    std::string to;
    bool commit = false;
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

// Help-desk lockout resolution. Every field is required; "None Provided" is
// a valid ticket or reason. Without `commit` it is a dry run.
struct AdminDisable {
    std::string user;
    std::string ticket;
    std::string reason;          // never the user's real name
    std::string operator_email;  // who acts; kept in the audit row only
    std::string method;          // with-claim | without-claim | none-provided
    bool commit = false;
};

// What a disable changed (committed), would change (dry_run), or that there
// was nothing left to change (already_disabled).
struct DisableReport {
    std::string state;  // dry_run | committed | already_disabled
    bool totp_removed = false;
    bool pending_removed = false;
    std::uint32_t backup_voided = 0;
    bool lock_cleared = false;
    std::uint32_t failures_cleared = 0;
    std::uint64_t disabled_until = 0;  // logins skip the second factor until then, or until re-enrollment
};

// Why `m` cannot be acted on, or empty. Shared so mfactl and mfad agree.
std::string disable_request_problem(const AdminDisable& m);

struct StatsReply {
    std::string counters;  // "name value" lines, Prometheus metric names
};

FrameWriter encode(const MigrateStore& m, std::uint32_t request_id);
Result<MigrateStore> decode_migrate_store(const PayloadReader& p);
FrameWriter encode(const AdminDisable& m, std::uint32_t request_id);
FrameWriter encode(const DisableReport& m, std::uint32_t request_id);
FrameWriter encode(const StatsReply& m, std::uint32_t request_id);
Result<AdminDisable> decode_admin_disable(const PayloadReader& p);
Result<DisableReport> decode_disable_report(const PayloadReader& p);
Result<StatsReply> decode_stats_reply(const PayloadReader& p);

FrameWriter encode(const AuditList& m, std::uint32_t request_id);
FrameWriter encode(const AuditPage& m, std::uint32_t request_id);
Result<AuditList> decode_audit_list(const PayloadReader& p);
Result<AuditPage> decode_audit_page(const PayloadReader& p);

FrameWriter encode(const AdminAction& m, std::uint32_t request_id);
FrameWriter encode(const AuditVerifyReply& m, std::uint32_t request_id);

Result<AdminAction> decode_admin_action(const PayloadReader& p);
FrameWriter encode(const AdminRekey& m, std::uint32_t request_id);
FrameWriter encode(const RekeyStatus& m, std::uint32_t request_id);
Result<AdminRekey> decode_admin_rekey(const PayloadReader& p);
Result<RekeyStatus> decode_rekey_status(const PayloadReader& p);
Result<AuditVerifyReply> decode_audit_verify_reply(const PayloadReader& p);

}  // namespace mfa::wire
