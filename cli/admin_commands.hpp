#pragma once

#include <string>

#include "command.hpp"
#include "daemon_connection.hpp"

namespace mfa::cli {

// mfactl admin unlock|reset --user U [--reason R]; `until` is grace's alone.
// mfactl admin migrate-store --to postgresql [--commit]: a dry run unless --commit.
CommandResult run_admin_migrate_store(const GlobalOptions& global, const std::string& to, bool commit);
CommandResult run_admin_action(const GlobalOptions& global, const std::string& action, const std::string& user,
                               const std::string& reason, std::uint64_t until = 0);

// mfactl admin grace --user U --until T|none: until T the user may put
// enrollment at login off; "none" goes back to enrollment.grace.
CommandResult run_admin_grace(const GlobalOptions& global, const std::string& user, const std::string& until,
                              const std::string& reason);

struct AuditListOptions {
    std::string user;
    std::string since;  // "2026-11-22", "2026-11-22T08:00:00Z", or a duration ago: "30m", "2h", "7d"
    std::string event;
};

// mfactl audit list: every matching row, fetched page by page.
CommandResult run_audit_list(const GlobalOptions& global, const AuditListOptions& options);

// mfactl audit verify: fails (exit 1) when the chain is broken, naming the row.
CommandResult run_audit_verify(const GlobalOptions& global);

}  // namespace mfa::cli
