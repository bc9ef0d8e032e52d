// A stand-in syslog daemon for machines without one (CI, containers). With
// no /dev/log, glibc's syslog() writes to /dev/console, and a module that
// logs every login (pam_google_authenticator does) would be timed writing a
// serial console instead of authenticating.
#pragma once

#include <atomic>
#include <thread>

namespace mfa::bench {

class SyslogSink {
public:
    // Binds /dev/log and discards what arrives, only if there is no /dev/log.
    SyslogSink();
    ~SyslogSink();  // stops, and removes the /dev/log it made
    SyslogSink(const SyslogSink&) = delete;
    SyslogSink& operator=(const SyslogSink&) = delete;

    bool active() const { return fd_ >= 0; }

private:
    int fd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread drain_;
};

}  // namespace mfa::bench
