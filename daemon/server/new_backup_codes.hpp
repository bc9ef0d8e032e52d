// A new set of backup codes for a user (the old set void), stored hashed,
// counted and audited: `mfactl backup-codes generate` and enrollment at login.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/request_context.hpp"

namespace mfa::daemon {

struct NewBackupCodes {
    std::vector<std::string> codes;  // to show once; wiped with this
    std::optional<Outcome> refusal;  // set: no set was made, and this is the reply
    NewBackupCodes() = default;
    NewBackupCodes(NewBackupCodes&&) = default;
    NewBackupCodes& operator=(NewBackupCodes&&) = default;
    ~NewBackupCodes();
};

Awaitable<NewBackupCodes> make_backup_codes(const RequestContext& ctx, const std::string& user);

}  // namespace mfa::daemon
