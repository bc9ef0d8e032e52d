// The parts of systemd mfad speaks: sd_notify, the watchdog and socket activation.
// Each is a no-op when not run by systemd.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace mfa::daemon::systemd {

void notify_ready(std::string_view status);
void notify_reloading();
void notify_stopping();
void notify_status(std::string_view status);
void notify_watchdog();

// The watchdog period systemd asked for (WATCHDOG_USEC), if any.
std::optional<std::chrono::microseconds> watchdog_period();

// The one listening AF_UNIX stream socket passed by socket activation;
// nullopt when none was passed; an error message when the passed fds are wrong.
struct ActivatedSocket {
    std::optional<int> fd;
    std::string_view problem;  // empty when fine
};
ActivatedSocket activated_socket();

}  // namespace mfa::daemon::systemd
