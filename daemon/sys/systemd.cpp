#include "sys/systemd.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace mfa::daemon::systemd {

void notify_ready(std::string_view status) {
    sd_notify(0, ("READY=1\nSTATUS=" + std::string(status)).c_str());
}

void notify_reloading() { sd_notify(0, "RELOADING=1"); }

void notify_stopping() { sd_notify(0, "STOPPING=1\nSTATUS=Stopping"); }

void notify_status(std::string_view status) { sd_notify(0, ("STATUS=" + std::string(status)).c_str()); }

void notify_watchdog() { sd_notify(0, "WATCHDOG=1"); }

std::optional<std::chrono::microseconds> watchdog_period() {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) return std::chrono::microseconds(usec);
    return std::nullopt;
}

ActivatedSocket activated_socket() {
    // unset_environment=1: children (the SMS command) must not inherit LISTEN_FDS.
    int n = sd_listen_fds(1);
    if (n <= 0) return {};
    if (n > 1) return {std::nullopt, "systemd passed more than one socket"};
    if (sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_STREAM, 1, nullptr, 0) <= 0)
        return {std::nullopt, "the socket systemd passed is not a listening AF_UNIX stream socket"};
    return {SD_LISTEN_FDS_START, {}};
}

}  // namespace mfa::daemon::systemd
