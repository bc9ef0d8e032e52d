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

struct UserRecord {
    std::string name;
    int failures = 0;  // consecutive
    std::int64_t locked_until = 0;
    std::int64_t last_verified_at = 0;
    std::optional<TotpFactor> totp;
};

enum class EnrollStart { started, already_enabled };
enum class EnrollConfirm { confirmed, no_pending };

// One login attempt. matched_step is the time step the code matched, if any.
struct Attempt {
    std::string user;
    std::int64_t now = 0;
    std::optional<std::int64_t> matched_step;
    int max_failures = 4;
    std::int64_t lock_seconds = 300;
    AuditEntry audit;  // service, rhost and peer; event and result are set by the store
};

enum class AttemptResult { accepted, rejected, replayed, locked };

struct AttemptOutcome {
    AttemptResult result = AttemptResult::rejected;
    int failures = 0;
    std::int64_t locked_until = 0;
    std::vector<AuditEntry> audited;  // the rows written, for the journal
};

enum class AdminActionKind { unlock, reset };

struct AdminOutcome {
    bool user_exists = false;
    bool changed = false;  // false: nothing to unlock or reset (the call is idempotent)
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

    // Decides accepted / rejected / replayed / locked, updates the failure
    // count, lock and replay state, and appends the audit rows, atomically.
    virtual Result<AttemptOutcome> record_attempt(const Attempt& attempt) = 0;

    virtual Result<void> append_audit(const AuditEntry& entry, std::int64_t now) = 0;

    // unlock: clears the failure count and lock. reset: also removes the
    // factors, so the next login must enroll. Audited with the reason.
    virtual Result<AdminOutcome> admin_action(std::string_view user, AdminActionKind kind, std::int64_t now,
                                              const AuditEntry& audit) = 0;

    // Up to `limit` rows with id > after_id that match, in id order.
    virtual Result<std::vector<AuditRow>> list_audit(std::int64_t after_id, const AuditFilter& filter,
                                                     int limit) = 0;

    // Walks the audit chain from the first row.
    virtual Result<AuditCheck> verify_audit_chain() = 0;

    // Runs `body` (calls of the methods above) as one transaction: each call
    // inside becomes a savepoint, and the whole commits once.
    virtual Result<void> run_group(const std::function<void(Store&)>& body) = 0;
};

}  // namespace mfa::daemon
