// What mfad keeps, behind an interface: SQLite is the embedded default, and a
// shared PostgreSQL backend can implement the same calls for a fleet of hosts.
// Every call that changes state is one transaction, committed before it
// returns, and decides inside that transaction whatever must not race
// (replay, failure count, lock), so it stays right with several writers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_entry.hpp"
#include "mfa/result.hpp"

namespace mfa::daemon {

enum class FactorState { pending, active };

// A TOTP factor as stored. The secret is sealed (crypto/secret_box.hpp): the
// store never sees plaintext.
struct TotpFactor {
    FactorState state = FactorState::pending;
    std::vector<std::uint8_t> sealed_secret;
    std::int64_t created_at = 0;    // unix seconds
    std::int64_t confirmed_at = 0;  // 0 while pending
    std::int64_t last_step = -1;    // the last accepted time step (replay guard)
};

// How a user's current backup codes are hashed (auth/backup_codes.hpp), and
// how many are left. One salt per set: see hash_backup_code for why.
struct BackupCodeSalt {
    std::vector<std::uint8_t> salt;
    int iterations = 0;
};

struct BackupCodeSet {
    BackupCodeSalt salt;
    std::vector<std::vector<std::uint8_t>> hashes;
};

struct UserRecord {
    std::string name;
    int failures = 0;  // consecutive
    std::int64_t locked_until = 0;
    std::int64_t last_verified_at = 0;
    std::int64_t disabled_until = 0;  // the help desk disabled MFA until then (admin disable)
    std::optional<TotpFactor> totp;
    std::optional<BackupCodeSalt> backup;
    int backup_remaining = 0;
};

enum class EnrollStart { started, already_enabled };
enum class EnrollConfirm { confirmed, no_pending };

enum class BackupCodesStored { stored, no_active_factor };

struct BackupCodesOutcome {
    BackupCodesStored result = BackupCodesStored::no_active_factor;
    int voided = 0;  // unused codes of the set it replaced
};

// One login attempt. matched_step is the time step the code matched, if any;
// backup_hash is the answer hashed with the user's backup code salt.
struct Attempt {
    std::string user;
    // The sealed TOTP secret the code was checked against. The attempt counts
    // only while it is still the user's active factor: one reset or replaced
    // since BEGIN gives AttemptResult::factor_changed, audited, and no count.
    std::vector<std::uint8_t> factor;
    std::int64_t now = 0;
    std::optional<std::int64_t> matched_step;
    std::optional<std::vector<std::uint8_t>> backup_hash;
    int max_failures = 4;
    std::int64_t lock_seconds = 300;
    AuditEntry audit;  // service, rhost and peer; event and result are set by the store
};

enum class AttemptResult { accepted, rejected, replayed, locked, factor_changed };

struct AttemptOutcome {
    AttemptResult result = AttemptResult::rejected;
    int failures = 0;
    std::int64_t locked_until = 0;
    bool by_backup_code = false;
    int backup_remaining = 0;
    std::vector<AuditEntry> audited;  // the rows written, for the journal
};

enum class AdminActionKind { unlock, reset };

struct AdminOutcome {
    bool user_exists = false;
    bool changed = false;  // false: nothing to unlock or reset (the call is idempotent)
};

// What `admin disable` finds, and removes when it commits.
struct DisablePlan {
    bool user_exists = false;
    bool totp_active = false;
    bool totp_pending = false;
    int backup_unused = 0;
    bool locked = false;
    int failures = 0;
    std::int64_t disabled_until = 0;  // as found, or as set by a commit

    bool nothing_to_change(std::int64_t now) const {
        return disabled_until > now && !totp_active && !totp_pending && backup_unused == 0 && !locked && failures == 0;
    }
};

struct AuditCheck {
    std::uint64_t rows = 0;
    std::uint64_t broken_id = 0;  // the first row whose hash or link does not hold; 0 = intact
    std::string reason;
};

struct AuditRow {
    std::int64_t id = 0;
    std::int64_t time = 0;
    AuditEntry entry;
};

// One request's share of the audit table: the rows, and where the next
// request goes on (0: nothing more).
struct AuditSlice {
    std::vector<AuditRow> rows;
    std::int64_t next_after_id = 0;
};

// How many ids one list_audit call looks at, at most.
inline constexpr std::int64_t kAuditScanRows = 20000;

struct AuditFilter {
    std::string user;       // empty: any
    std::int64_t since = 0;  // unix seconds
    std::string event;      // empty: any
};

class Store {
public:
    virtual ~Store() = default;

    virtual int schema_version() const = 0;

    virtual Result<std::optional<UserRecord>> load_user(std::string_view user) = 0;

    // Stores a pending secret, replacing an older pending one; refused while a
    // confirmed factor exists. Audited as enroll_start.
    virtual Result<EnrollStart> start_enrollment(std::string_view user, std::vector<std::uint8_t> sealed_secret,
                                                 std::int64_t now, const AuditEntry& audit) = 0;

    // Activates the pending secret if it was created at or after
    // pending_since, and records `step` as used. Audited as enroll_confirm.
    virtual Result<EnrollConfirm> confirm_enrollment(std::string_view user, std::int64_t step, std::int64_t now,
                                                     std::int64_t pending_since, const AuditEntry& audit) = 0;

    // Replaces the user's backup codes (voiding the old set); refused without
    // an active factor. Audited as backup_codes_generate.
    virtual Result<BackupCodesOutcome> replace_backup_codes(std::string_view user, const BackupCodeSet& set,
                                                            std::int64_t now, const AuditEntry& audit) = 0;

    // Decides accepted / rejected / replayed / locked, updates the failure
    // count, lock and replay state, and appends the audit rows, atomically.
    virtual Result<AttemptOutcome> record_attempt(const Attempt& attempt) = 0;

    virtual Result<void> append_audit(const AuditEntry& entry, std::int64_t now) = 0;

    // unlock: clears the failure count and lock. reset: also removes the
    // factors and backup codes and ends a disable, so the next login must enroll. Audited with the reason.
    virtual Result<AdminOutcome> admin_action(std::string_view user, AdminActionKind kind, std::int64_t now,
                                              const AuditEntry& audit) = 0;

    // What a disable would change; reads only (the dry run).
    virtual Result<DisablePlan> plan_disable(std::string_view user, std::int64_t now) = 0;

    // One transaction: removes the factors and backup codes, clears the lock,
    // lets logins skip the second factor until `until`, and appends `audit`
    // with detail = describe(what was found). Changes nothing, and audits
    // nothing, when the plan finds nothing to change.
    using DescribeDisable = std::function<std::string(const DisablePlan&)>;
    virtual Result<DisablePlan> apply_disable(std::string_view user, std::int64_t now, std::int64_t until,
                                              const AuditEntry& audit, const DescribeDisable& describe) = 0;

    // Up to `limit` rows with id > after_id that match, in id order, looking
    // at no more than kAuditScanRows ids.
    virtual Result<AuditSlice> list_audit(std::int64_t after_id, const AuditFilter& filter, int limit) = 0;

    // Walks the audit chain from the first row.
    virtual Result<AuditCheck> verify_audit_chain() = 0;
    // The same walk as a job for another thread, on a connection of its own,
    // so the event loop keeps serving logins meanwhile.
    virtual std::function<Result<AuditCheck>()> audit_chain_checker() const = 0;

    // Runs `body` (calls of the methods above) as one transaction: each call
    // inside becomes a savepoint, and the whole commits once.
    virtual Result<void> run_group(const std::function<void(Store&)>& body) = 0;
};

}  // namespace mfa::daemon
