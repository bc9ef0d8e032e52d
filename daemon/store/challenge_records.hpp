// Codes sent by SMS: the request with its caps, and how issuing one ended.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mfa::daemon {

// A code to send (SMS), with the caps it must fit under, all checked and
// counted in one transaction so racing logins cannot overshoot them.
struct ChallengeRequest {
    std::string user;
    std::int64_t factor_id = 0;
    std::vector<std::uint8_t> code_hash;    // keyed: the code itself is never stored
    std::vector<std::uint8_t> destination;  // keyed hash of the number: caps per number, no number in the table
    std::int64_t now = 0;
    std::int64_t expires_at = 0;
    int tries = 3;
    std::int64_t resend_after = 30;
    int max_per_user_per_hour = 5;
    int max_per_user_per_day = 10;
    int max_per_destination_per_day = 10;
    int max_per_hour = 1000;
    std::string channel = "sms";
    // A confirmed factor's number (a login), or one being enrolled: each has
    // its own per-number budget, so anyone "enrolling" a stranger's number
    // cannot use up the texts that stranger needs to log in.
    bool verified_destination = true;
};

// locked and paused are read in the issuing transaction: on a fleet another
// host may lock the account, or pause its push, after this login began.
enum class ChallengeIssue {
    issued,
    too_soon,
    user_hour,
    user_day,
    destination_day,
    global_hour,
    factor_changed,
    locked,
    paused
};

// The name audit rows and the journal give a refusal.
inline const char* challenge_issue_name(ChallengeIssue issue) {
    switch (issue) {
        case ChallengeIssue::issued: return "ok";
        case ChallengeIssue::too_soon: return "too_soon";
        case ChallengeIssue::user_hour: return "user_hourly_cap";
        case ChallengeIssue::user_day: return "user_daily_cap";
        case ChallengeIssue::destination_day: return "number_daily_cap";
        case ChallengeIssue::global_hour: return "global_hourly_cap";
        case ChallengeIssue::factor_changed: return "factor_changed";
        case ChallengeIssue::locked: return "locked";
        case ChallengeIssue::paused: return "push_paused";
    }
    return "fail";
}

struct ChallengeIssued {
    ChallengeIssue result = ChallengeIssue::issued;
    std::int64_t challenge_id = 0;
    std::int64_t retry_at = 0;  // too_soon: when a resend is allowed; locked, paused: when that ends
};

}  // namespace mfa::daemon
