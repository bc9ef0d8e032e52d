// Codes and notices that mfad emails through mfad-notify: the recovery
// address's check, the recovery code, and the notice after a recovery. The
// code is random, stored only as a keyed hash, and within the daily caps.
#pragma once

#include <string>
#include <string_view>

#include "server/request_context.hpp"

namespace mfa::daemon {

// The recovery address's field in the secret box (its associated data).
inline constexpr std::string_view kRecoveryEmailField = "recovery_email";

// Recovery codes and address checks: 12 letters and digits (71 bits).
inline constexpr int kMailCodeLength = 12;

// How long the code that checks a new recovery address lives.
inline constexpr std::chrono::seconds kMailCheckTtl{3600};

struct MailCodeSent {
    bool sent = false;
    std::string refusal;  // for the person, when not sent
};

// Makes a code for `purpose`, records it within the caps (audited with
// `where`'s event: recovery_email_set or recovery_requested), and emails it
// to `address`. `sealed_address`: the pending address, for a check (pass a
// named vector: g++ 12 mishandles class temporaries in a co_await expression).
Awaitable<MailCodeSent> send_mail_code(const RequestContext& ctx, const std::string& user, MailPurpose purpose,
                                       const std::string& address, std::vector<std::uint8_t> sealed_address,
                                       const AuditEntry& where);

// A notice (no code) to `address`, audited as `where`'s event.
Awaitable<void> send_mail_notice(const RequestContext& ctx, const std::string& address, const std::string& subject,
                                 const std::string& body, const AuditEntry& where);

// The subject's product name: the issuer if it is plain ASCII, else "mfad".
std::string mail_product_name(const Config& config);

// This host's name, for the texts of mails.
std::string host_name();

}  // namespace mfa::daemon
