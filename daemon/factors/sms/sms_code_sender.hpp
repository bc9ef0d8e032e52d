// Sends a new SMS code for one factor: the caps and the code's row in one
// transaction, then the message through mfad-notify, then its audit row.
#pragma once

#include "factors/factor.hpp"
#include "factors/sms/phone_number.hpp"

namespace mfa::daemon {

// `where` carries the login's service and rhost for the audit rows;
// `verified`: the phone is a confirmed factor's (a login), not one being
// enrolled (see ChallengeRequest::verified_destination).
// The Challenge's refusal says, to the person, why nothing was sent.
Awaitable<Challenge> send_sms_code(const RequestContext& ctx, const std::string& user, std::int64_t factor_id,
                                   const PhoneNumber& phone, const AuditEntry& where, bool verified);

}  // namespace mfa::daemon
