#pragma once

#include <chrono>
#include <memory>

#include "config/config.hpp"
#include "store/store.hpp"

namespace mfa::daemon {

// What request handling reads: the live config (replaced whole on SIGHUP),
// the store and the start time.
struct DaemonState {
    std::shared_ptr<const Config> config;
    Store* store = nullptr;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

}  // namespace mfa::daemon
