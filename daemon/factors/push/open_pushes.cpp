#include "factors/push/open_pushes.hpp"

#include "factors/push/push_wait.hpp"

namespace mfa::daemon {

std::optional<OpenPushes::Slot> OpenPushes::take() {
    if (stopping_ || open() >= kMaxOpenPushes) return std::nullopt;
    std::uint64_t id = ++next_id_;
    open_[id];
    return std::optional<Slot>(std::in_place, this, id);
}

void OpenPushes::stop_all() {
    stopping_ = true;
    for (auto& [id, weak] : open_)
        if (auto wait = weak.lock()) wait->stop();
}

}  // namespace mfa::daemon
