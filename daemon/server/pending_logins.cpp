#include "server/pending_logins.hpp"

#include <algorithm>
#include <utility>

namespace mfa::daemon {

PendingLogins::Ticket& PendingLogins::Ticket::operator=(Ticket&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        user_ = std::move(other.user_);
        id_ = other.id_;
    }
    return *this;
}

void PendingLogins::Ticket::release() {
    if (owner_ != nullptr) std::exchange(owner_, nullptr)->remove(user_, id_);
}

PendingLogins::Ticket PendingLogins::add(const std::string& user, std::function<void()> evict, int& evicted) {
    auto& queue = by_user_[user];
    evicted = 0;
    // Taken out of the table before it runs: the evicted login's own ticket then finds nothing to free.
    while (queue.size() >= static_cast<std::size_t>(std::max(per_user_, 1))) {
        auto oldest = std::move(queue.front());
        queue.pop_front();
        oldest.evict();
        ++evicted;
    }
    queue.push_back(Entry{++next_id_, std::move(evict)});
    return Ticket(this, user, next_id_);
}

void PendingLogins::remove(const std::string& user, std::uint64_t id) {
    auto it = by_user_.find(user);
    if (it == by_user_.end()) return;
    std::erase_if(it->second, [id](const Entry& e) { return e.id == id; });
    if (it->second.empty()) by_user_.erase(it);
}

}  // namespace mfa::daemon
