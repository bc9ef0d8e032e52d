// A new authenticator's start, shared by `mfactl enroll totp` and enrollment
// at login: a fresh secret, stored sealed as a pending factor.
#pragma once

#include <optional>
#include <string>

#include "server/request_context.hpp"

namespace mfa::daemon {

struct TotpEnrollment {
    std::optional<Outcome> refusal;  // set: nothing was started, and this is the reply
    FactorRecord pending;            // id, kind, name and sealed secret
    std::string secret;              // base32
    std::string uri;                 // otpauth://
    TotpEnrollment() = default;
    TotpEnrollment(TotpEnrollment&&) = default;
    TotpEnrollment& operator=(TotpEnrollment&&) = default;
    ~TotpEnrollment();
};

Awaitable<TotpEnrollment> start_totp_enrollment(const RequestContext& ctx, const std::string& user,
                                                const std::string& name);

}  // namespace mfa::daemon
