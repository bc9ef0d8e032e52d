#pragma once

#include <cstdint>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mfa/wire/tlv.hpp"
#include "server/pending_logins.hpp"
#include "store/store.hpp"

namespace mfa::daemon {

struct PushWait;

// A login in progress on one connection: BEGIN made it, each ANSWER moves it.
struct LoginSession {
    // Where the person is: the menu, the backup code prompt, or a factor's prompt (>= 0).
    static constexpr int kMenu = -1;
    static constexpr int kBackupCodes = -2;
    // Enrollment at login: the code that confirms the new authenticator, the
    // offer of backup codes, and the codes shown.
    static constexpr int kEnrollCode = -3;
    static constexpr int kOfferBackupCodes = -4;
    static constexpr int kBackupCodesShown = -5;
    // "I lost my device": the code sent to the recovery address.
    static constexpr int kRecoveryCode = -6;

    std::uint32_t id = 0;
    std::string user;  // canonical (NSS) name
    std::string service;
    std::string rhost;
    std::int64_t started = 0;  // unix seconds
    // What ANSWER checks codes against, read at BEGIN so ANSWER needs no read
    // of its own: the active factors (sealed) and the backup code salt. The
    // store counts an attempt only while every one of these factors is still
    // active (Attempt::checked).
    std::vector<FactorRecord> factors;  // the menu's order: the primary first
    std::optional<BackupCodeSalt> backup;
    int backup_remaining = 0;  // the menu offers backup codes while some are left
    int at = kMenu;
    std::string step_info;     // what the current prompt came with
    std::string step_prompt;   // shown again after a wrong answer
    std::uint32_t tries = 1;       // the module's tries=
    std::uint32_t tries_left = 1;  // wrong answers still allowed in this login
    std::string prompt;            // the authenticator code prompt (the module's prompt=, or mfad's)
    PendingLogins::Ticket place;   // this login's place among the user's pending logins
    // Enrollment at login: the pending authenticator, and until when Enter
    // puts enrollment off (0: it cannot be put off).
    std::optional<FactorRecord> enrolling;
    std::int64_t skip_until = 0;
    // "I lost my device": the sealed recovery address (empty: not offered),
    // and the end of the recovery code sent to it, if one is outstanding.
    std::vector<std::uint8_t> recovery_email;
    std::int64_t recovery_code_expires = 0;
    int recovery_requests = 0;  // in this login: each writes a row, so there are few
    // The push this login waits for (at the push factor's prompt).
    std::shared_ptr<PushWait> push;
};

struct ConnectionState {
    std::uint16_t protocol = 0;  // agreed at HELLO
    // NOTEs to send before the reply of the request being answered.
    std::vector<wire::FrameWriter> notes;
    std::optional<LoginSession> login;
    std::uint32_t last_session_id = 0;
    // Ends this connection: what a newer login of the same user does to an old one.
    std::function<void()> end_connection;
    // Keeps this connection open that long from now, for a request that waits on a person (a push).
    std::function<void(std::chrono::seconds)> hold_open;
    // Has the peer hung up? (Nothing reads the socket while a request is handled.)
    std::function<bool()> peer_gone;
    // mfactl enroll push: the test request ENROLL_CONFIRM waits for.
    std::shared_ptr<PushWait> enrolling_push;
};

}  // namespace mfa::daemon
