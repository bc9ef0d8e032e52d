#include "factors/push/open_pushes.hpp"

#include <algorithm>

#include "factors/push/push_wait.hpp"

namespace mfa::daemon {

void OpenPushes::Slot::hold(const std::shared_ptr<PushWait>& wait) {
    if (!owner_) return;
    owner_->open_[id_].wait = wait;
    if (owner_->stopping_) wait->stop();
}

std::optional<OpenPushes::Slot> OpenPushes::take(const std::string& user) {
    if (stopping_ || open() >= kMaxOpenPushes) return std::nullopt;
    if (std::any_of(open_.begin(), open_.end(), [&](const auto& entry) { return entry.second.user == user; }))
        return std::nullopt;
    std::uint64_t id = ++next_id_;
    open_[id] = Open{user, {}};
    return std::optional<Slot>(std::in_place, this, id);
}

void OpenPushes::stop_all() {
    stopping_ = true;
    for (auto& [id, entry] : open_)
        if (auto wait = entry.wait.lock()) wait->stop();
}

}  // namespace mfa::daemon
