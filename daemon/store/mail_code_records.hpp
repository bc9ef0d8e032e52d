// What the store keeps of codes sent by email (Store::issue_mail_code,
// confirm_recovery_email): the request with its caps, and the outcomes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mfa::daemon {

// Codes sent by email: one to verify a new recovery address, one to recover.
enum class MailPurpose { verify, recover };

struct MailCodeRequest {
    std::string user;
    MailPurpose purpose = MailPurpose::verify;
    std::vector<std::uint8_t> code_hash;       // keyed: the code itself is never stored
    std::vector<std::uint8_t> destination;     // keyed hash of the canonical address, for the per-address cap
    std::vector<std::uint8_t> sealed_address;  // verify: the address, kept pending until confirmed
    std::int64_t now = 0;
    std::int64_t expires_at = 0;
    int tries = 3;
    int max_per_user_per_day = 3;  // of this purpose
    int max_per_destination_per_day = 3;
};

enum class MailCodeIssue { issued, user_day, destination_day, locked, no_address };

inline const char* mail_code_issue_name(MailCodeIssue issue) {
    static constexpr const char* kNames[] = {"ok", "user_daily_cap", "address_daily_cap", "locked", "no_address"};
    return kNames[static_cast<int>(issue)];
}

enum class MailCodeCheck { confirmed, wrong, none };

}  // namespace mfa::daemon
