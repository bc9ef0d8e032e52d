#include "metrics/counters.hpp"

namespace mfa::daemon {
namespace {

struct Describe {
    const char* name;
    const char* help;
};

constexpr std::array<Describe, static_cast<std::size_t>(Counter::count_)> kCounters = {{
    {"mfad_setup_attempts_total", "Authenticator enrollments started."},
    {"mfad_setups_ok_total", "Authenticator enrollments confirmed."},
    {"mfad_setup_already_enabled_total", "Enrollments refused because a factor was already active."},
    {"mfad_unauthorized_total", "Requests refused for lack of authority."},
    {"mfad_verify_ok_total", "Second-factor codes accepted at login."},
    {"mfad_verify_fail_total", "Second-factor codes refused at login (wrong, replayed or locked)."},
    {"mfad_lockouts_total", "Accounts locked after too many failures."},
    {"mfad_backup_code_sets_generated_total", "Backup code sets generated."},
    {"mfad_backup_codes_used_total", "Backup codes accepted at login."},
    {"mfad_admin_disables_total", "Help-desk disables committed."},
    {"mfad_sms_sent_total", "Text messages the provider accepted."},
    {"mfad_sms_failed_total", "Text messages the sender or provider failed to send."},
    {"mfad_sms_rate_limited_total", "Text messages refused by a cap (resend delay, per user, per number, global)."},
    {"mfad_enrollments_skipped_total", "Logins that put enrollment off within the grace period."},
    {"mfad_emails_sent_total", "Emails (recovery address checks, recovery codes, notices) the sender accepted."},
    {"mfad_emails_failed_total", "Emails the sender failed to send."},
    {"mfad_recoveries_total", "Second factors reset by a recovery code."},
    {"mfad_push_sent_total", "Push approvals the provider holds."},
    {"mfad_push_failed_total", "Push approvals the sender or provider failed to send."},
    {"mfad_push_approved_total", "Push approvals approved on the phone (with the right number)."},
    {"mfad_push_denied_total", "Push approvals denied on the phone, or approved with the wrong number."},
    {"mfad_push_expired_total", "Push approvals that got no answer in time, or that the person stopped waiting for."},
    {"mfad_push_fraud_reported_total", "Push approvals denied as \"not me\": each locks the account."},
}};

}  // namespace

std::string Counters::lines() const {
    std::string out;
    for (std::size_t i = 0; i < kCounters.size(); ++i)
        out += std::string(kCounters[i].name) + " " + std::to_string(values_[i].load(std::memory_order_relaxed)) + "\n";
    return out;
}

std::string Counters::prometheus() const {
    std::string out;
    for (std::size_t i = 0; i < kCounters.size(); ++i) {
        std::string name = kCounters[i].name;
        out += "# HELP " + name + " " + kCounters[i].help + "\n# TYPE " + name + " counter\n" + name + " " +
               std::to_string(values_[i].load(std::memory_order_relaxed)) + "\n";
    }
    return out;
}

}  // namespace mfa::daemon
