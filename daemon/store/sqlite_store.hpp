#pragma once

#include <memory>
#include <string>

#include "audit/audit_seal.hpp"
#include "config/config.hpp"
#include "store/checkpointer.hpp"
#include "store/sqlite_handle.hpp"
#include "store/store.hpp"

namespace mfa::daemon {

// Latest schema this build knows; PRAGMA user_version holds the file's.
int latest_schema_version();

class SqliteStore final : public Store {
public:
    // Creates the directory (0700) and file (0600) if missing, refuses
    // symlinks and a world-writable directory, applies pending migrations.
    // The audit chain's head is sealed with a key derived from `key`.
    static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, Durability durability,
                                                     const KeyRing& keys);

    // For the writer's connection: WAL checkpoints move to a thread of their own.
    Result<void> checkpoint_in_background(const std::string& path);

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
    std::function<Result<AuditCheck>()> audit_chain_checker() const override;
    Result<AuditSlice> list_audit(std::int64_t after_id, const AuditFilter& filter, int limit) override;

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
    Result<AttemptOutcome> factor_changed(const Attempt& a, sqlite::Transaction& tx);

    SqliteStore(sqlite::Database db, std::string path, int version, const KeyRing& keys)
        : db_(std::move(db)),
          path_(std::move(path)),
          schema_version_(version),
          seal_(keys),
          reader_seal_(std::make_shared<const AuditSeal>(keys)) {}
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
    sqlite::Database db_;
    std::string path_;
    int schema_version_;
    AuditSeal seal_;
    std::shared_ptr<const AuditSeal> reader_seal_;  // the audit checker's, on its own thread
    std::unique_ptr<Checkpointer> checkpointer_;  // after db_: detaches before db_ closes
};

}  // namespace mfa::daemon
