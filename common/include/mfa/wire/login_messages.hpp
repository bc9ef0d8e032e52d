// Messages of enrollment, user status and the login state machine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mfa/result.hpp"
#include "mfa/wire/tlv.hpp"

namespace mfa::wire {

// Limits checked by every decoder, on both sides.
inline constexpr std::size_t kMaxUser = 256;
inline constexpr std::size_t kMaxService = 64;
inline constexpr std::size_t kMaxRhost = 256;
inline constexpr std::size_t kMaxTty = 64;
inline constexpr std::size_t kMaxCode = 64;
inline constexpr std::size_t kMaxMessage = 512;
inline constexpr std::size_t kMaxBackupCodes = 64;

struct UserRequest {  // ENROLL_START, USER_STATUS
    std::string user;
};

struct EnrollSecret {
    std::string user;
    std::string secret;  // base32
    std::string uri;     // otpauth://
};

struct EnrollConfirm {
    std::string user;
    std::string code;
    std::string factor;  // the pending factor's name; empty: the only pending one
};

// A message for the person: DONE (mfactl), ALLOW (may be empty) and EXEMPT (pam_mfa.so).
struct Done {
    std::string message;
};

struct BackupCodes {
    std::string user;
    std::vector<std::string> codes;  // shown once; sent as one space-separated field
};

struct UserStatusReply {
    std::string user;
    std::string factors;  // comma-separated active factors, e.g. "totp"
    std::uint64_t enrolled_at = 0;       // unix seconds, 0 = never
    std::uint64_t last_verified_at = 0;  // unix seconds, 0 = never
    std::uint32_t failures = 0;
    std::uint64_t locked_until = 0;  // unix seconds, 0 = not locked
    std::uint32_t backup_remaining = 0;  // unused backup codes
    std::uint64_t disabled_until = 0;    // MFA disabled by the help desk until then; 0 = not disabled
    std::string recovery_email = {};     // masked (a•••@example.com), "(unconfirmed)" after a new one; protocol 4
};

inline constexpr std::uint32_t kMaxTries = 10;

// BEGIN's flags (protocol 4): what mfad needs to know of the terminal before
// it offers enrollment at login. Absent (an older module): none set.
inline constexpr std::uint32_t kEnforceEnrollment = 1;  // the module's enforce_enrollment
inline constexpr std::uint32_t kSilent = 2;             // PAM_SILENT: nothing is shown
inline constexpr std::uint32_t kNoTerminal = 4;         // no terminal (cron, a GUI, sudo without a tty)
inline constexpr std::uint32_t kKnownLoginFlags = 7;

struct Begin {
    std::string user;
    std::string service;
    std::string rhost;  // may be empty
    std::string tty;    // may be empty
    std::uint32_t tries = 3;  // wrong answers this login allows (1..kMaxTries): the module's tries=
    std::string prompt;       // the module's prompt=, for the code prompt; empty: mfad's own
    std::uint32_t flags = 0;  // kEnforceEnrollment | kSilent | kNoTerminal
};

// NOTE: text shown before the reply it precedes (a QR code is larger than
// one step's frame). Lines, like a step's info.
struct Note {
    std::string text;
};

// One step of the conversation mfad drives: errors and information to show,
// then the prompt to answer, all in one PAM conversation call. The module
// renders it without knowing what factor it is about.
struct Step {
    std::uint32_t session = 0;
    std::string errors;  // PAM_ERROR_MSG lines, may be empty
    std::string info;    // PAM_TEXT_INFO lines, may be empty
    std::string prompt;  // never empty
    bool echo = false;   // show what the person types (a menu) or not (a code)
};

struct Locked {
    std::uint64_t until = 0;  // unix seconds
};

// What the person typed. Any bytes up to the frame cap are an answer that
// mfad judges (an over-long or non-UTF-8 one is simply wrong), never a
// malformed frame: what a user types must not look like a broken daemon.
struct Answer {
    std::uint32_t session = 0;
    std::string code;
};

// The login failed; it is over. `exhausted`: the tries ran out (PAM_MAXTRIES).
struct Deny {
    std::string message;
    bool exhausted = false;
};

// BACKUP_CODES_GENERATE: `code` is a current code from the user's
// authenticator, required when users make their own set (proof of possession).
struct BackupCodesRequest {
    std::string user;
    std::string code;
};

FrameWriter encode(MessageType type, const UserRequest& m, std::uint32_t request_id);
FrameWriter encode(const EnrollSecret& m, std::uint32_t request_id);
FrameWriter encode(const EnrollConfirm& m, std::uint32_t request_id);
FrameWriter encode(const Done& m, std::uint32_t request_id, MessageType type = MessageType::done);
FrameWriter encode(const BackupCodes& m, std::uint32_t request_id);
FrameWriter encode(const UserStatusReply& m, std::uint32_t request_id);
FrameWriter encode(const Begin& m, std::uint32_t request_id);
FrameWriter encode(const Step& m, std::uint32_t request_id);
FrameWriter encode(const Locked& m, std::uint32_t request_id);
FrameWriter encode(const Answer& m, std::uint32_t request_id);
// The same frame without a std::string copy of the code (pam_mfa.so wipes its only copy).
FrameWriter encode_answer(std::uint32_t session, std::string_view code, std::uint32_t request_id);
FrameWriter encode(const BackupCodesRequest& m, std::uint32_t request_id);
FrameWriter encode(const Deny& m, std::uint32_t request_id);
FrameWriter encode(const Note& m, std::uint32_t request_id);

Result<UserRequest> decode_user_request(const PayloadReader& p);
Result<EnrollSecret> decode_enroll_secret(const PayloadReader& p);
Result<EnrollConfirm> decode_enroll_confirm(const PayloadReader& p);
Result<Done> decode_done(const PayloadReader& p);
Result<BackupCodes> decode_backup_codes(const PayloadReader& p);
Result<UserStatusReply> decode_user_status_reply(const PayloadReader& p);
Result<Begin> decode_begin(const PayloadReader& p);
Result<Step> decode_step(const PayloadReader& p);
Result<Locked> decode_locked(const PayloadReader& p);
Result<Answer> decode_answer(const PayloadReader& p);
Result<Deny> decode_deny(const PayloadReader& p);
Result<Note> decode_note(const PayloadReader& p);
Result<BackupCodesRequest> decode_backup_codes_request(const PayloadReader& p);

}  // namespace mfa::wire
