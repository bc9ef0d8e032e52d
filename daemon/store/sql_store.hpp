// The store's decisions, in SQL that SQLite and PostgreSQL both run
// (store/sql_connection.hpp). A backend opens its connection, migrates it, and
// adds what only it can do (SqliteStore, PgStore).
#pragma once

#include <memory>
#include <string>

#include "audit/audit_seal.hpp"
#include "store/sql_connection.hpp"
#include "store/store.hpp"
#include "store/store_copy.hpp"

namespace mfa::daemon {

class SqlStore : public Store {
public:
    int schema_version() const override { return schema_version_; }
    Result<std::optional<UserRecord>> load_user(std::string_view user) override;
    Result<EnrollStarted> start_enrollment(std::string_view user, const NewFactor& factor, std::int64_t now,
                                           const AuditEntry& audit) override;
    Result<EnrollConfirm> confirm_enrollment(std::string_view user, std::int64_t factor_id, const Claim& proof,
                                             std::int64_t now, std::int64_t pending_since,
                                             const AuditEntry& audit) override;
    Result<FactorChange> set_primary(std::string_view user, std::string_view name, std::int64_t now,
                                     const AuditEntry& audit) override;
    Result<FactorChange> remove_factor(std::string_view user, std::string_view name, std::int64_t now,
                                       const AuditEntry& audit) override;
    Result<ChallengeIssued> issue_challenge(const ChallengeRequest& request, const AuditEntry& audit) override;
    Result<void> cancel_challenge(std::int64_t challenge_id, const AuditEntry& audit, std::int64_t now) override;
    Result<BackupCodesOutcome> replace_backup_codes(std::string_view user, const BackupCodeSet& set, std::int64_t now,
                                                    const AuditEntry& audit) override;
    Result<AttemptOutcome> record_attempt(const Attempt& attempt) override;
    Result<PushRecorded> record_push(const PushEnd& end) override;
    Result<ImportResult> import_factor(const FactorImport& import) override;
    Result<std::optional<KeyRotation>> key_rotation() override;
    Result<void> begin_key_rotation(const KeyRotation& rotation, const AuditEntry& audit) override;
    Result<ResealProgress> reseal_batch(const Resealer& resealer, int limit, std::int64_t now,
                                        const AuditEntry& audit) override;
    Result<void> forget_key_rotation() override;
    void use_keys(const KeyRing& keys) override;
    Result<ResyncResult> resync_factor(std::string_view user, std::int64_t factor_id, std::int64_t counter,
                                       std::int64_t now, const AuditEntry& audit) override;
    Result<void> append_audit(const AuditEntry& entry, std::int64_t now) override;
    Result<std::int64_t> note_first_login(std::string_view user, std::int64_t now) override;
    Result<void> set_grace(std::string_view user, std::int64_t until, std::int64_t now, const AuditEntry& audit) override;
    Result<MailCodeIssue> issue_mail_code(const MailCodeRequest& request, const AuditEntry& audit) override;
    Result<void> cancel_mail_code(std::string_view user, MailPurpose purpose, const AuditEntry& audit,
                                  std::int64_t now) override;
    Result<MailCodeCheck> confirm_recovery_email(std::string_view user, const std::vector<std::uint8_t>& code_hash,
                                                 std::int64_t now, const AuditEntry& audit) override;
    Result<void> run_group(const std::function<void(Store&)>& body) override;
    Result<AdminOutcome> admin_action(std::string_view user, AdminActionKind kind, std::int64_t now,
                                      const AuditEntry& audit) override;
    Result<DisablePlan> plan_disable(std::string_view user, std::int64_t now) override;
    Result<DisablePlan> apply_disable(std::string_view user, std::int64_t now, std::int64_t until,
                                      const AuditEntry& audit, const DescribeDisable& describe) override;
    Result<AuditCheck> verify_audit_chain() override;
    Result<AuditSlice> list_audit(std::int64_t after_id, const AuditFilter& filter, int limit) override;

    // mfactl admin migrate-store: every row into `target` (which must be
    // empty), in one transaction there, committed only when `commit`. This
    // store's own chain must hold first. Before the target commits, this
    // store records the move (the audit row `leaving`, mark_moved()) in its
    // transaction; `target_commit` says whether the target's commit
    // happened, or whether no one can tell (its connection broke during the
    // COMMIT: this store then keeps its mark). A dry run changes neither.
    enum class TargetCommit { no, yes, unknown };
    Result<StoreCopy> copy_into(SqlStore& target, bool commit, const AuditEntry& arrival, const AuditEntry& leaving,
                                std::int64_t now, TargetCommit& target_commit);

protected:
    // Marks this store as moved elsewhere, in the open transaction: it takes
    // no logins again. A store that cannot be moved says so.
    virtual Result<void> mark_moved() { return make_error("this store cannot be moved"); }

public:

private:
    // A backup code attempt inside record_attempt's transaction.
    enum class BackupUse { used, already_used, no_match };
    Result<BackupUse> use_backup_code(std::int64_t user_id, const std::vector<std::uint8_t>& hash, std::int64_t now);
    Result<int> unused_backup_codes(std::int64_t user_id);
    // Replaces the user's backup code set, inside the caller's transaction.
    Result<void> put_backup_code_set(std::int64_t user_id, const BackupCodeSet& set, std::int64_t now);
    // What spending a claim came to, inside the caller's write transaction.
    enum class Spent { spent, replayed, no_match, wrong_code, used_up, expired };
    Result<Spent> spend(std::int64_t user_id, const Claim& claim, std::int64_t now);
    Result<Spent> spend_challenge(std::int64_t user_id, const Claim& claim, std::int64_t now);
    // Spends the recovery code and, in the same transaction, removes every
    // factor and backup code and owes the user an enrollment at login.
    Result<Spent> spend_recovery_code(std::int64_t user_id, const Claim& claim, std::int64_t now);
    Result<std::int64_t> ensure_user(std::string_view user, std::int64_t now);
    Result<bool> all_active(std::int64_t user_id, const std::vector<std::int64_t>& ids);
    Result<std::optional<std::int64_t>> find_user_id(std::string_view user);
    Result<void> fail_attempt(const Attempt& a, std::int64_t user_id, AttemptOutcome& out);
    Result<AttemptOutcome> factor_changed(const Attempt& a, sql::Transaction& tx);

    // One table's sealed column, for the key rotation.
    struct SealedColumn {
        std::string select;  // (key, second key, user, kind, blob), before its WHERE
        std::string update;  // ?1 key, ?2 second key, ?3 new blob, ?4 the blob read
        std::string blob;    // the column, for the WHERE
        std::string what;    // for errors
        std::function<std::string_view(const Resealer&, std::string_view kind)> field;
    };
    // Up to `limit` of its blobs under another key than the primary, re-sealed.
    Result<std::int64_t> reseal_column(const SealedColumn& column, const Resealer& resealer, int limit);
    std::unique_ptr<sql::Connection> connection_;

protected:
    SqlStore(std::unique_ptr<sql::Connection> db, int version, const KeyRing& keys)
        : connection_(std::move(db)),
          db_(*connection_),
          schema_version_(version),
          seal_(keys),
          reader_seal_(std::make_shared<const AuditSeal>(keys)) {}
    sql::Connection& db_;
    int schema_version_;
    AuditSeal seal_;
    std::shared_ptr<const AuditSeal> reader_seal_;  // the audit checker's, on its own thread
};

}  // namespace mfa::daemon
