// Frame layout shared by mfad, mfactl and pam_mfa.so:
//   magic u32 | version u16 | type u16 | payload length u32 | request id u32   (big-endian)
// followed by a TLV payload (see tlv.hpp). The length is checked against the
// cap before any payload byte is read or allocated.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "mfa/result.hpp"

namespace mfa::wire {

inline constexpr std::uint32_t kMagic = 0x4d464144;  // "MFAD"
inline constexpr std::uint16_t kFrameVersion = 1;
inline constexpr std::size_t kHeaderSize = 16;
inline constexpr std::uint32_t kMaxPayload = 4096;

// Protocol versions this build speaks, agreed in the HELLO exchange. 2: mfad
// drives the login conversation (STEP); a peer that speaks only 1 gets
// ERROR{version_mismatch}, never a guess. 3: several factors (ENROLL_START's
// kind, name and destination; ENROLL_CONFIRM's factor; FACTORS_LIST and
// FACTOR_CHANGE). The login is the same in 2 and 3, so pam_mfa.so takes
// either; mfactl asks for 3 (kFactorsProtocol), so against an mfad that
// speaks only 2 it hears version_mismatch instead of "malformed". 4: BEGIN's
// flags, NOTE frames before a reply, and enrollment and recovery at login;
// mfad offers those only to a module that agreed 4, and an older module's
// BEGIN (no flags) is answered as before. 5: HOTP tokens (ENROLL_START's
// secret, digits, counter), IMPORT_FACTOR and the admin resync: mfactl's
// alone; a module's conversation is as in 4.
inline constexpr std::uint16_t kProtocolMin = 2;
inline constexpr std::uint16_t kProtocolMax = 6;
inline constexpr std::uint16_t kFactorsProtocol = 3;
inline constexpr std::uint16_t kEnrollAtLoginProtocol = 4;
inline constexpr std::uint16_t kTokensProtocol = 5;
inline constexpr std::uint16_t kFleetProtocol = 6;  // STATUS_REPLY says where the store is, and whether it is reachable

enum class MessageType : std::uint16_t {
    hello = 1,
    hello_ok = 2,
    error = 3,
    ping = 4,
    pong = 5,
    status = 6,
    status_reply = 7,
    // Enrollment and status (mfactl).
    enroll_start = 8,
    enroll_secret = 9,
    enroll_confirm = 10,
    done = 11,
    user_status = 12,
    user_status_reply = 13,
    // The login (pam_mfa.so): BEGIN and each ANSWER get a STEP to show (and
    // answer) or a verdict: ALLOW | DENY | LOCKED | NOT_ENROLLED | EXEMPT.
    begin = 14,
    step = 15,
    not_enrolled = 16,
    locked = 17,
    answer = 18,
    allow = 19,
    deny = 20,
    // Administration (mfactl admin, audit): root and admin_group only.
    admin_action = 21,
    audit_verify = 22,
    audit_verify_reply = 23,
    audit_list = 24,
    audit_page = 25,
    // Backup codes (mfactl backup-codes): the user, root or admin_group.
    backup_codes_generate = 26,
    backup_codes = 27,
    // Help-desk lockout resolution (mfactl admin disable): root and admin_group.
    admin_disable = 28,
    disable_report = 29,
    // BEGIN's answer for a user whose MFA the help desk disabled: PAM_IGNORE.
    exempt = 30,
    // Counters (mfactl stats): any local user; they name nobody.
    stats = 31,
    stats_reply = 32,
    // A user's factors (mfactl factors, factor primary|remove).
    factors_list = 33,
    factors_reply = 34,
    factor_change = 35,
    // mfad -> mfad-notify, on the sender's own socket: one message out, its
    // provider's id back (NOTIFY_SENT) or ERROR.
    notify_send = 36,
    notify_sent = 37,
    // Text to show before the reply that follows it (a QR code at login):
    // any number of NOTEs (a few), then the reply, all for one request.
    note = 38,
    // A user's recovery email (mfactl recovery-email set|confirm).
    recovery_email_set = 39,
    recovery_email_confirm = 40,
    // An authenticator or token brought over from another system (mfactl import).
    import_factor = 41,
    // mfactl admin rekey: a new key (or none: how far it got) → REKEY_STATUS.
    admin_rekey = 42,
    rekey_status = 43,
    // mfad -> mfad-notify: a push approval. The sender answers PUSH_CREATED
    // with the provider's challenge id, then, on the same connection,
    // PUSH_RESULT when the person answers or the push expires.
    push_send = 44,
    push_created = 45,
    push_result = 46,
    // mfactl admin migrate-store (root only): SQLite's rows into the PostgreSQL store; answered by DONE.
    migrate_store = 47,
};

bool known_message_type(std::uint16_t type);

struct Header {
    MessageType type{};
    std::uint32_t length = 0;
    std::uint32_t request_id = 0;
};

using HeaderBytes = std::array<std::uint8_t, kHeaderSize>;

HeaderBytes encode_header(const Header& header);

// Refuses a wrong magic, an unknown frame version or message type, and a
// payload longer than max_payload.
Result<Header> decode_header(std::span<const std::uint8_t, kHeaderSize> bytes,
                             std::uint32_t max_payload = kMaxPayload);

}  // namespace mfa::wire
