#include "store/write_queue.hpp"

#include "store/sqlite_store.hpp"

namespace mfa::daemon {

// Bounds a group, so one transaction never grows without limit.
constexpr std::size_t kMaxGroup = 256;

WriteQueue::WriteQueue(asio::io_context& io, std::unique_ptr<Store> writer)
    : io_(io), store_(std::move(writer)), thread_([this] { writer_loop(); }) {}

WriteQueue::~WriteQueue() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void WriteQueue::enqueue(std::unique_ptr<Task> task) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(task));
    }
    wake_.notify_one();
}

WriteQueue::Stats WriteQueue::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void WriteQueue::writer_loop() {
    for (;;) {
        std::vector<std::unique_ptr<Task>> reads, group;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and nothing left to do
            while (!queue_.empty() && group.size() < kMaxGroup) {
                auto& task = queue_.front();
                (task->read_only ? reads : group).push_back(std::move(task));
                queue_.pop_front();
            }
        }
        for (auto& task : reads) {
            task->run(*store_);
            task->complete();
        }
        if (group.empty()) continue;
        auto committed = store_->run_group([&](Store& store) {
            for (auto& task : group) task->run(store);
        });
        if (!committed)
            for (auto& task : group) task->fail(committed.error());
        for (auto& task : group) task->complete();
        std::lock_guard lock(mutex_);
        stats_.jobs += group.size();
        stats_.commits += 1;
    }
}

}  // namespace mfa::daemon
