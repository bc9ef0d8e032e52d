// The pushes waiting on this host: at most kMaxOpenPushes at once (each holds
// a connection to mfad-notify), each place freed when its answer is recorded
// or its wait ends however it ends; and a way to stop them all at shutdown,
// so a waiting push does not hold the daemon up.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace mfa::daemon {

struct PushWait;

inline constexpr int kMaxOpenPushes = 32;

class OpenPushes {
public:
    class Slot {
    public:
        Slot(OpenPushes* owner, std::uint64_t id) : owner_(owner), id_(id) {}
        ~Slot() {
            if (owner_) owner_->open_.erase(id_);
        }
        Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)), id_(other.id_) {}
        Slot& operator=(Slot&&) = delete;
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        // The push this place is for, so stop_all() reaches it (at once, if it has begun).
        void hold(const std::shared_ptr<PushWait>& wait);

    private:
        OpenPushes* owner_;
        std::uint64_t id_;
    };

    // A place for a push to `user`, or nullopt when `user` already has one
    // (whatever login or enrollment it is for), kMaxOpenPushes wait already,
    // or the daemon is stopping.
    std::optional<Slot> take(const std::string& user);
    void stop_all();
    int open() const { return static_cast<int>(open_.size()); }

private:
    struct Open {
        std::string user;
        std::weak_ptr<PushWait> wait;
    };
    std::map<std::uint64_t, Open> open_;
    std::uint64_t next_id_ = 0;
    bool stopping_ = false;
};

}  // namespace mfa::daemon
