// Messages that manage a user's factors (mfactl enroll, factors, factor
// primary|remove), and the sender's (mfad -> mfad-notify).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mfa/result.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::wire {

inline constexpr std::size_t kMaxFactorName = 32;
inline constexpr std::size_t kMaxKind = 16;
inline constexpr std::size_t kMaxDestination = 254;  // an E.164 number, or an email address
inline constexpr std::size_t kMaxNotifyText = 1024;
inline constexpr std::size_t kMaxSubject = 200;
inline constexpr std::size_t kMaxMessageId = 128;

// 1 to 32 of [A-Za-z0-9._-], starting with a letter or digit: a factor name
// is typed on the command line and shown in menus and audit rows.
bool valid_factor_name(std::string_view name);

// ENROLL_START: a new factor of `kind` ("totp", "sms", "hotp") named `name`
// (empty: the kind's default name); `destination` is the phone number for
// "sms". A user who already has a factor proves it with `code` (from an
// authenticator app, or a backup code) to add another. "hotp" (protocol 5)
// brings its token's key as base32 `secret`, its `digits` and the `counter`
// its next code is made from.
struct EnrollStart {
    std::string user;
    std::string kind = "totp";
    std::string name;
    std::string destination;
    std::string code;
    std::string secret = {};
    std::uint32_t digits = 0;
    std::uint64_t counter = 0;
};

inline constexpr std::size_t kMaxSecretText = 128;  // base32 of a 64-byte key, with room
inline constexpr std::size_t kMaxSource = 32;

// IMPORT_FACTOR: an authenticator ("totp") or token ("hotp") from another
// system, active at once. `counter`: the first time step (totp) or counter
// (hotp) not yet used; `codes`: its scratch codes, which become backup codes.
// Without `commit`, mfad says what it would do and writes nothing.
struct ImportFactor {
    std::string user;
    std::string kind;
    std::string name;
    std::string secret;  // base32
    std::uint32_t digits = 6;
    std::uint32_t period = 0;  // totp: seconds per step
    std::int32_t window = -1;  // totp: steps either side; hotp: counters ahead; -1: mfad's config
    std::uint64_t counter = 0;
    std::vector<std::string> codes;
    std::string source;  // "google-authenticator", "oath": for the audit row
    bool commit = false;
    // The uid whose file held it, when it came from a user's file: mfad checks
    // that NSS gives the name that uid (two accounts can share a name).
    std::optional<std::uint32_t> uid = std::nullopt;
};

struct FactorInfo {
    std::string name;
    std::string kind;           // "totp", "sms", "backup_codes"
    std::string state;          // "active", "pending"
    bool primary = false;
    std::uint64_t created_at = 0;
    std::uint64_t last_used_at = 0;  // 0: never
    std::string description;    // as in the login menu: never a secret or a whole number
};

struct FactorsReply {
    std::string user;
    std::vector<FactorInfo> factors;
    std::string recovery_email = {};  // masked; protocol 4
};

// RECOVERY_EMAIL_SET: the user (or root) names an address; a code goes to it.
// A user who has a factor proves possession with `code`, as for a new factor.
struct RecoveryEmailSet {
    std::string user;
    std::string address;
    std::string code;
};

// RECOVERY_EMAIL_CONFIRM: the code from the mail makes the address the recovery address.
struct RecoveryEmailConfirm {
    std::string user;
    std::string code;
};

// FACTOR_CHANGE: action "primary" or "remove". A user removing their own
// factor proves possession with `code` from another factor; an admin gives `reason`.
struct FactorChangeRequest {
    std::string user;
    std::string action;
    std::string name;
    std::string code;
    std::string reason;
};

// NOTIFY_SEND: one message for a provider. `correlation` ties the audit row
// and the sender's log line together; it names no one.
struct NotifySend {
    std::string channel;  // "sms" or "email"
    std::string destination;
    std::string text;
    std::uint64_t correlation = 0;
    std::string subject = {};  // email only: one line, built by mfad, never from user input
};

struct NotifySent {
    std::string message_id;  // the provider's id for the message, or "" if it gives none
};

FrameWriter encode(const EnrollStart& m, std::uint32_t request_id);
FrameWriter encode(const FactorsReply& m, std::uint32_t request_id);
FrameWriter encode(const FactorChangeRequest& m, std::uint32_t request_id);
FrameWriter encode(const NotifySend& m, std::uint32_t request_id);
FrameWriter encode(const RecoveryEmailSet& m, std::uint32_t request_id);
FrameWriter encode(const RecoveryEmailConfirm& m, std::uint32_t request_id);
Result<RecoveryEmailSet> decode_recovery_email_set(const PayloadReader& p);
Result<RecoveryEmailConfirm> decode_recovery_email_confirm(const PayloadReader& p);
FrameWriter encode(const ImportFactor& m, std::uint32_t request_id);
Result<ImportFactor> decode_import_factor(const PayloadReader& p);
FrameWriter encode(const NotifySent& m, std::uint32_t request_id);

Result<EnrollStart> decode_enroll_start(const PayloadReader& p);
Result<FactorsReply> decode_factors_reply(const PayloadReader& p);
Result<FactorChangeRequest> decode_factor_change(const PayloadReader& p);
Result<NotifySend> decode_notify_send(const PayloadReader& p);
Result<NotifySent> decode_notify_sent(const PayloadReader& p);

}  // namespace mfa::wire
