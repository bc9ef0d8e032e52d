#include "store/write_queue.hpp"

#include <vector>

namespace mfa::daemon {

// Bounds a group, so one transaction never grows without limit. On
// PostgreSQL a group holds the fleet's write lock and each job costs round
// trips: fewer per group, so other hosts wait milliseconds, not seconds.
constexpr std::size_t kMaxGroup = 256;
constexpr std::size_t kMaxRemoteGroup = 16;

WriteQueue::WriteQueue(asio::io_context& io, StoreAccess& store) : io_(io), store_(store) {}

WriteQueue::~WriteQueue() {
    // The event loop has stopped: commit what was accepted, with no one left
    // to tell (a store thread finishes the groups before it stops).
    while (!queue_.empty()) commit_group();
}

void WriteQueue::enqueue(std::unique_ptr<Task> task, bool even_closed) {
    if (!closed_.empty() && !even_closed) {
        task->fail(Error{closed_, true});  // said once when it closed; the peer hears it each time
        task->complete();
        return;
    }
    queue_.push_back(std::move(task));
    if (commit_posted_ || in_flight_) return;
    // Posted behind the requests already read this turn, so they join the group.
    commit_posted_ = true;
    asio::post(io_, [this] {
        commit_posted_ = false;
        start_groups();
    });
}

void WriteQueue::start_groups() {
    while (!queue_.empty() && !in_flight_) commit_group();
}

void WriteQueue::commit_group() {
    using Group = std::vector<std::unique_ptr<Task>>;
    auto group = std::make_shared<Group>();
    const std::size_t most = store_.local() != nullptr ? kMaxGroup : kMaxRemoteGroup;
    while (!queue_.empty() && group->size() < most) {
        auto task = std::move(queue_.front());
        queue_.pop_front();
        // Answered by the deadline: no transaction, and no fleet lock, for it.
        if (!task->abandoned()) group->push_back(std::move(task));
    }
    if (group->empty()) return;
    in_flight_ = true;
    store_.dispatch(
        [group](Store* store) {
            if (store == nullptr) {
                for (auto& task : *group) task->fail(StoreAccess::unreachable_error());
                return;
            }
            auto committed = store->run_group([&](Store& s) {
                for (auto& task : *group) task->run(s);
            });
            if (!committed)
                for (auto& task : *group) task->fail(committed.error());
        },
        io_.get_executor(),
        [this, group] {
            stats_.jobs += group->size();
            stats_.commits += 1;
            in_flight_ = false;
            if (Store* local = store_.local()) {
                // The answers wait for the disk (durability: full); the loop
                // goes on to the next group meanwhile. No `this`: the last
                // sync may end after the queue is gone.
                local->when_durable([group](Result<void> synced) {
                    for (auto& task : *group) {
                        if (!synced) task->fail(synced.error());
                        task->complete();
                    }
                });
                return;
            }
            for (auto& task : *group) task->complete();
            start_groups();
        });
}

}  // namespace mfa::daemon
