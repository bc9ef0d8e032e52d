#include "store/write_queue.hpp"

#include <vector>

namespace mfa::daemon {

// Bounds a group, so one transaction never grows without limit.
constexpr std::size_t kMaxGroup = 256;

WriteQueue::WriteQueue(asio::io_context& io, Store& store) : io_(io), store_(store) {}

WriteQueue::~WriteQueue() {
    // The event loop has stopped: commit what was accepted, with no one left to tell.
    while (!queue_.empty()) commit_group();
}

void WriteQueue::enqueue(std::unique_ptr<Task> task) {
    queue_.push_back(std::move(task));
    if (commit_posted_) return;
    // Posted behind the requests already read this turn, so they join the group.
    commit_posted_ = true;
    asio::post(io_, [this] {
        commit_posted_ = false;
        while (!queue_.empty()) commit_group();
    });
}

void WriteQueue::commit_group() {
    std::vector<std::unique_ptr<Task>> group;
    while (!queue_.empty() && group.size() < kMaxGroup) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    auto committed = store_.run_group([&](Store& store) {
        for (auto& task : group) task->run(store);
    });
    if (!committed)
        for (auto& task : group) task->fail(committed.error());
    for (auto& task : group) task->complete();
    stats_.jobs += group.size();
    stats_.commits += 1;
}

}  // namespace mfa::daemon
