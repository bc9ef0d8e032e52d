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
#include "crypto/key_ring.hpp"
#include "store/challenge_records.hpp"
#include "store/push_records.hpp"
#include "store/key_rotation_records.hpp"
#include "store/mail_code_records.hpp"
#include "mfa/result.hpp"

namespace mfa::daemon {

enum class FactorState { pending, active };

// How one OTP factor's codes are made and matched, where it differs from the
// config (totp.*, hotp.window): a token imported from google-authenticator or
// pam_oath keeps its own. 0 (window -1): the config's.
struct OtpShape {
    int digits = 0;
    int period = 0;
    int window = -1;
};

// One factor as stored: an authenticator app ("totp") or a phone for SMS
// codes ("sms"). Its secret (the TOTP key, the phone number) is sealed
// (crypto/secret_box.hpp): the store never sees plaintext.
struct FactorRecord {
    std::int64_t id = 0;  // never reused, so a login begun on a removed factor cannot spend on a new one
    std::string kind;
    std::string name;
    FactorState state = FactorState::pending;
    std::vector<std::uint8_t> sealed_secret;
    std::int64_t created_at = 0;    // unix seconds
    std::int64_t confirmed_at = 0;  // 0 while pending
    std::int64_t last_step = -1;    // the last accepted TOTP time step or HOTP counter (replay guard)
    std::int64_t last_used_at = 0;  // 0: never
    bool primary = false;           // the menu's default (one active factor per user)
    OtpShape otp = {};              // an imported token's own digits, period and window
};

// How a user's current backup codes are hashed (factors/backup_codes), and
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
    std::vector<FactorRecord> factors;  // pending and active, oldest first
    std::optional<BackupCodeSalt> backup;
    int backup_remaining = 0;
    std::int64_t backup_created_at = 0;
    std::int64_t backup_last_used_at = 0;
    // Enrollment at login, for a user without a factor.
    std::int64_t first_login_at = 0;  // the first login mfad saw while the grace applied; 0: none yet; kEverEnrolled
    std::int64_t grace_until = 0;     // an admin's grace (mfactl admin grace); 0: first_login_at + enrollment.grace
    std::int64_t enroll_by = 0;       // after a recovery: enrollment at login, with no skip, until then
    // The verified recovery address (sealed), and whether a new one waits for its code.
    std::vector<std::uint8_t> recovery_email;
    bool recovery_email_pending = false;
    std::int64_t recovery_code_expires = 0;  // an unspent recovery code's end; 0: none outstanding
    std::int64_t push_paused_until = 0;      // push fatigue: no push until then

    const FactorRecord* factor(std::string_view factor_name) const {
        for (const auto& f : factors)
            if (f.name == factor_name) return &f;
        return nullptr;
    }
    std::vector<const FactorRecord*> active() const {
        std::vector<const FactorRecord*> out;
        for (const auto& f : factors)
            if (f.state == FactorState::active) out.push_back(&f);
        return out;
    }
};

// A factor to add, pending until confirmed. At most `max_of_kind` active
// factors of its kind (0: no limit beyond kMaxFactors).
struct NewFactor {
    std::string kind;
    std::string name;
    std::vector<std::uint8_t> sealed_secret;
    int max_of_kind = 0;
    OtpShape otp = {};
    std::int64_t last_step = -1;  // an HOTP token's counter so far, an imported authenticator's replay state
};

// A factor brought over from another system (mfactl import): active at once,
// with its replay state and, optionally, its backup codes; one transaction.
struct FactorImport {
    std::string user;
    NewFactor factor;
    std::optional<BackupCodeSet> backup_codes;
    bool commit = false;  // false: decide and report, write nothing
    std::int64_t now = 0;
    AuditEntry audit;     // its detail names the source
};

// `has_factors`: the user enrolled in mfad already; an import never adds to that.
enum class ImportResult { imported, would_import, already_imported, has_factors };

// An HOTP token moved forward to `counter` (mfactl admin resync). `moved`:
// the token's counter is already at or past it.
enum class ResyncResult { resynced, moved, no_factor };

// UserRecord::first_login_at of a user who has had a factor: the enrollment
// grace is for users who never enrolled, not for one whose factors were reset.
inline constexpr std::int64_t kEverEnrolled = -1;

// Factors per user, pending ones included: the menu has one digit per entry.
inline constexpr int kMaxFactors = 8;

// A pending factor must be confirmed within this time; after it, it is gone.
inline constexpr std::int64_t kPendingEnrollmentSeconds = 600;

enum class EnrollStart { started, already_enabled, kind_taken, too_many };

struct EnrollStarted {
    EnrollStart result = EnrollStart::started;
    std::int64_t factor_id = 0;
};

enum class EnrollConfirm { confirmed, no_pending, wrong_code };

// The audit row's result for a confirmation.
inline const char* enroll_confirm_name(EnrollConfirm result) {
    static constexpr const char* kNames[] = {"ok", "no_pending", "fail"};
    return kNames[static_cast<int>(result)];
}

enum class BackupCodesStored { stored, no_active_factor };

struct BackupCodesOutcome {
    BackupCodesStored result = BackupCodesStored::no_active_factor;
    int voided = 0;  // unused codes of the set it replaced
};

// What a typed code may spend, worked out before the write transaction (the
// crypto) and spent inside it (the state). The store knows these shapes, not
// factor kinds: a new factor spends one of them.
struct Claim {
    enum class Spend {
        time_step,       // a TOTP match: `step` must be newer than the factor's last accepted one
        backup_code,     // `hash` (with the set's salt) names an unused backup code
        challenge_code,  // `hash` (keyed) against the code last sent for factor `factor_id`
        recovery_code,   // `hash` (keyed) against the user's unspent recovery code: spending it resets MFA
    };
    Spend spend = Spend::time_step;
    std::int64_t factor_id = 0;      // time_step, challenge_code
    std::int64_t step = 0;           // time_step
    std::vector<std::uint8_t> hash;  // backup_code, challenge_code
    std::string factor_name;         // for the audit row
    std::int64_t enroll_by = 0;      // recovery_code: until then the user enrolls at login, with no skip
};

// One login attempt (or proof of possession).
struct Attempt {
    std::string user;
    // The factors the answer was checked against, as read at BEGIN. The
    // attempt counts only while every one is still active: one reset or
    // removed since gives AttemptResult::factor_changed, audited, and no count.
    std::vector<std::int64_t> checked;
    std::vector<Claim> claims;  // tried in order; the first that spends wins
    std::int64_t now = 0;
    int max_failures = 4;
    std::int64_t lock_seconds = 300;
    AuditEntry audit;  // service, rhost, peer and detail; event and result are set by the store
};

enum class AttemptResult { accepted, rejected, replayed, locked, factor_changed };

// How a sent code fared in an attempt that named it.
enum class ChallengeState { none, wrong, used_up, expired };

struct AttemptOutcome {
    AttemptResult result = AttemptResult::rejected;
    int failures = 0;
    std::int64_t locked_until = 0;
    std::string factor_name;  // the factor that accepted
    bool by_backup_code = false;
    int backup_remaining = 0;
    ChallengeState challenge = ChallengeState::none;
    bool recovered = false;  // a recovery code spent: every factor and backup code is gone
    std::vector<AuditEntry> audited;  // the rows written, for the journal
};

enum class FactorChange { changed, no_such_factor, not_active };

enum class AdminActionKind { unlock, reset };

struct AdminOutcome {
    bool user_exists = false;
    bool changed = false;  // false: nothing to unlock or reset (the call is idempotent)
};

// What `admin disable` finds, and removes when it commits.
struct DisablePlan {
    bool user_exists = false;
    int factors_active = 0;
    int factors_pending = 0;
    int backup_unused = 0;
    bool locked = false;
    int failures = 0;
    std::int64_t disabled_until = 0;  // as found, or as set by a commit

    bool nothing_to_change(std::int64_t now) const {
        return disabled_until > now && factors_active == 0 && factors_pending == 0 && backup_unused == 0 && !locked && failures == 0;
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
    // Why the connection to a database server is of no more use: this store
    // is done, and a new one must be opened (an embedded store never is).
    virtual std::optional<std::string> lost() const { return std::nullopt; }
    // A round trip to a database server, for health checks (a file: nothing to ask).
    virtual Result<void> probe() { return {}; }

    virtual Result<std::optional<UserRecord>> load_user(std::string_view user) = 0;

    // Adds `factor` as pending, replacing a pending one of that name, and
    // drops pending factors older than kPendingEnrollmentSeconds. Refused while
    // an active factor has the name, the kind is at its limit (pending ones
    // count: two phones pending would both confirm), or the user has
    // kMaxFactors. Audited as enroll_start.
    virtual Result<EnrollStarted> start_enrollment(std::string_view user, const NewFactor& factor, std::int64_t now,
                                                   const AuditEntry& audit) = 0;

    // Activates pending factor `factor_id` if it was created at or after
    // pending_since and `proof` spends (a TOTP step becomes its replay guard;
    // a sent code is used up), and drops the user's other pending factors: one
    // started while the account had no factor was started without a code, and
    // proves nothing once the account has one. The first active factor becomes
    // the primary. Audited as `audit.event`, or enroll_confirm if it is empty.
    virtual Result<EnrollConfirm> confirm_enrollment(std::string_view user, std::int64_t factor_id, const Claim& proof,
                                                     std::int64_t now, std::int64_t pending_since,
                                                     const AuditEntry& audit) = 0;

    // Makes the active factor `name` the primary. Audited as factor_primary.
    virtual Result<FactorChange> set_primary(std::string_view user, std::string_view name, std::int64_t now,
                                             const AuditEntry& audit) = 0;

    // Removes factor `name` (pending or active) and its outstanding codes.
    // Audited as factor_remove, with the caller's detail (an admin's reason).
    virtual Result<FactorChange> remove_factor(std::string_view user, std::string_view name, std::int64_t now,
                                               const AuditEntry& audit) = 0;

    // Records a code to send, within every cap, or says which cap refused it
    // (audited as sms_refused). The caller audits the send itself.
    virtual Result<ChallengeIssued> issue_challenge(const ChallengeRequest& request, const AuditEntry& audit) = 0;

    // A code that never left (the sender or provider failed): it is dropped,
    // so it neither holds back a resend nor waits to be typed; its send still
    // counts toward the caps. Appends `audit` (the failure) in the same transaction.
    virtual Result<void> cancel_challenge(std::int64_t challenge_id, const AuditEntry& audit, std::int64_t now) = 0;

    // Replaces the user's backup codes (voiding the old set); refused without
    // an active factor. Audited as backup_codes_generate.
    virtual Result<BackupCodesOutcome> replace_backup_codes(std::string_view user, const BackupCodeSet& set,
                                                            std::int64_t now, const AuditEntry& audit) = 0;

    // Decides accepted / rejected / replayed / locked, updates the failure
    // count, lock, replay state, the spent code and the factor's last use,
    // and appends the audit rows, atomically.
    virtual Result<AttemptOutcome> record_attempt(const Attempt& attempt) = 0;
    // How a push ended, with what it does to the lockout and push fatigue, and its audit rows.
    virtual Result<PushRecorded> record_push(const PushEnd& end) = 0;
    virtual Result<ImportResult> import_factor(const FactorImport& import) = 0;
    virtual Result<std::optional<KeyRotation>> key_rotation() = 0;
    virtual Result<void> begin_key_rotation(const KeyRotation& rotation, const AuditEntry& audit) = 0;
    // Up to `limit` blobs of each table re-sealed in one transaction; the
    // batch that leaves none finishes the rotation (audited `rekey_done`).
    virtual Result<ResealProgress> reseal_batch(const Resealer& resealer, int limit, std::int64_t now,
                                                const AuditEntry& audit) = 0;
    virtual Result<void> forget_key_rotation() = 0;
    // The audit head is sealed with the ring's primary from now on.
    virtual void use_keys(const KeyRing& keys) = 0;
    // Compare-and-set: only forward, never back to codes already used.
    virtual Result<ResyncResult> resync_factor(std::string_view user, std::int64_t factor_id, std::int64_t counter,
                                               std::int64_t now, const AuditEntry& audit) = 0;

    virtual Result<void> append_audit(const AuditEntry& entry, std::int64_t now) = 0;

    // The first login mfad saw of a user without a factor, recorded once
    // (making the user's row) and returned ever after: the grace counts from it.
    virtual Result<std::int64_t> note_first_login(std::string_view user, std::int64_t now) = 0;
    // mfactl admin grace: the user may put enrollment off until `until`
    // (0: back to the configured grace). Audited as grace.
    virtual Result<void> set_grace(std::string_view user, std::int64_t until, std::int64_t now,
                                   const AuditEntry& audit) = 0;

    // Records a code to email, replacing the user's unspent one of that
    // purpose, within the daily caps; a recovery code only for an unlocked
    // user with a verified address. Refusals are audited too (the event is
    // the caller's: recovery_email_set or recovery_requested).
    virtual Result<MailCodeIssue> issue_mail_code(const MailCodeRequest& request, const AuditEntry& audit) = 0;
    // The email never left: the code is dropped (its send still counts).
    virtual Result<void> cancel_mail_code(std::string_view user, MailPurpose purpose, const AuditEntry& audit,
                                          std::int64_t now) = 0;
    // The code sent to the pending address: it becomes the recovery address
    // (replacing the old one). A wrong code uses up one of its tries. Audited
    // as recovery_email_confirm.
    virtual Result<MailCodeCheck> confirm_recovery_email(std::string_view user, const std::vector<std::uint8_t>& code_hash,
                                                         std::int64_t now, const AuditEntry& audit) = 0;

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
    // Calls `done` once what was committed so far is on disk, perhaps on
    // another thread. Most stores are durable at commit: at once.
    virtual void when_durable(std::function<void(Result<void>)> done) { done({}); }
    // when_durable may answer later (a disk that hangs would hold a login).
    virtual bool durable_later() const { return false; }
    // Every change is refused (the disk failed a sync): from any thread.
    virtual bool writes_refused() const { return false; }
};

}  // namespace mfa::daemon
