// mfad's counters since start: shown by `mfactl stats` and written for
// node_exporter. They count events only: no label names a user or a host.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace mfa::daemon {

enum class Counter : std::size_t {
    setup_attempts,
    setups_ok,
    already_enabled,
    unauthorized,
    verify_ok,
    verify_fail,
    lockouts,
    backup_codes_generated,
    backup_codes_used,
    admin_disables,
    sms_sent,
    sms_failed,
    sms_rate_limited,
    enrollments_skipped,
    emails_sent,
    emails_failed,
    recoveries,
    push_sent,
    push_failed,
    push_approved,
    push_denied,
    push_expired,
    push_fraud_reported,
    count_
};

class Counters {
public:
    void add(Counter c) { values_[static_cast<std::size_t>(c)].fetch_add(1, std::memory_order_relaxed); }
    std::uint64_t get(Counter c) const { return values_[static_cast<std::size_t>(c)].load(std::memory_order_relaxed); }

    // "mfad_verify_ok_total 12" lines, for mfactl stats.
    std::string lines() const;
    // The Prometheus text exposition format, with HELP and TYPE.
    std::string prometheus() const;

private:
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(Counter::count_)> values_{};
};

}  // namespace mfa::daemon
