#include "disable_command.hpp"

#include "mfa/utc_time.hpp"

namespace mfa::cli {
namespace {

// One line per change, worded for the operator reading it aloud to the user.
std::string change_list(const wire::AdminDisable& request, const wire::DisableReport& r) {
    std::string out;
    if (r.totp_removed) out += "  - remove the authenticator app (TOTP)\n";
    if (r.pending_removed) out += "  - remove an unfinished authenticator enrollment\n";
    if (r.backup_voided > 0) out += "  - void " + std::to_string(r.backup_voided) + " unused backup codes\n";
    if (r.lock_cleared) out += "  - clear the lock\n";
    if (r.failures_cleared > 0) out += "  - clear " + std::to_string(r.failures_cleared) + " failed attempts\n";
    out += "  - let " + request.user + " log in without a second factor until " +
           utc_time(static_cast<std::int64_t>(r.disabled_until)) + ", or until they enroll again\n";
    return out;
}

}  // namespace

CommandResult run_admin_disable(const GlobalOptions& global, const wire::AdminDisable& request) {
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto frame = wire::encode(request, client->next_request_id());
    auto r = call_and_decode(*client, frame, wire::MessageType::disable_report, wire::decode_disable_report);
    if (!r) return r.error();

    Output out;
    out.json = {{"user", request.user},
                {"state", r->state},
                {"changes",
                 {{"totp_removed", r->totp_removed},
                  {"pending_enrollment_removed", r->pending_removed},
                  {"backup_codes_voided", r->backup_voided},
                  {"lock_cleared", r->lock_cleared},
                  {"failures_cleared", r->failures_cleared}}},
                {"disabled_until", utc_time(static_cast<std::int64_t>(r->disabled_until))}};
    if (r->state == "already_disabled") {
        out.text = request.user + ": already disabled (no second factor asked until " +
                   utc_time(static_cast<std::int64_t>(r->disabled_until)) + " or re-enrollment); nothing changed.\n";
    } else if (r->state == "dry_run") {
        out.text = "DRY RUN: nothing was changed. With --commit, mfad would, for " + request.user + ":\n" +
                   change_list(request, *r) + "Run the same command with --commit to apply it, as one transaction.\n";
    } else {
        out.text = "Done, for " + request.user + " (ticket " + request.ticket + "):\n" + change_list(request, *r) +
                   "The audit log has the ticket, reason, operator and verification method.\n"
                   "Next: the user logs in and runs 'mfactl enroll totp'.\n";
    }
    return out;
}

}  // namespace mfa::cli
