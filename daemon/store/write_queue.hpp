// Every state change goes through here. One writer thread with its own
// connection runs whatever requests are waiting as one transaction (each in
// its own savepoint) and commits once, so parallel logins share an fsync under
// durability: full. A request's coroutine resumes only after the commit.
//
// The login path's reads run here too, outside the transaction and before it:
// this connection made every change itself, so its page cache stays warm,
// where a second connection must reread each page after every write.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "server/asio.hpp"
#include "store/store.hpp"

namespace mfa::daemon {

class WriteQueue {
public:
    // `writer` is the writer thread's own store (its own connection).
    WriteQueue(asio::io_context& io, std::unique_ptr<Store> writer);
    ~WriteQueue();  // finishes queued work, then joins
    WriteQueue(const WriteQueue&) = delete;
    WriteQueue& operator=(const WriteQueue&) = delete;

    // Runs job(store) in the next group; resumes the caller after the commit.
    // `job` is moved from. Pass a named object: g++ 12 destroys temporaries of a
    // co_await full-expression twice.
    template <class T, class Job>
    Awaitable<Result<T>> submit(Job& job);

    // Runs job(store) on the writer thread outside any transaction, so it never
    // waits for a commit it has no part in. `job` must only read.
    template <class T, class Job>
    Awaitable<Result<T>> read(Job& job);

    struct Stats {
        std::uint64_t jobs = 0;
        std::uint64_t commits = 0;
    };
    Stats stats() const;

private:
    struct Task {
        explicit Task(bool reads_only) : read_only(reads_only) {}
        virtual ~Task() = default;
        const bool read_only;
        virtual void run(Store& store) = 0;          // on the writer thread, inside the group
        virtual void fail(const Error& error) = 0;   // the group did not commit
        virtual void complete() = 0;                 // hands the result to the caller's coroutine
    };
    template <class T, class Job, class Handler>
    struct TaskFor;

    template <class T, class Job>
    Awaitable<Result<T>> queue(Job& job, bool read_only);
    void enqueue(std::unique_ptr<Task> task);
    void writer_loop();

    asio::io_context& io_;
    std::unique_ptr<Store> store_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::unique_ptr<Task>> queue_;
    bool stopping_ = false;
    Stats stats_;
    std::thread thread_;
};

template <class T, class Job, class Handler>
struct WriteQueue::TaskFor final : WriteQueue::Task {
    TaskFor(Job j, Handler h, asio::io_context& io, bool reads_only)
        : Task(reads_only), job(std::move(j)), handler(std::move(h)), work(asio::make_work_guard(io)) {}
    void run(Store& store) override { result.emplace(job(store)); }
    void fail(const Error& error) override { result.emplace(error); }
    void complete() override {
        auto executor = work.get_executor();
        asio::post(executor, [h = std::move(handler), r = std::move(*result)]() mutable { h(std::move(r)); });
    }
    Job job;
    Handler handler;
    asio::executor_work_guard<asio::io_context::executor_type> work;
    std::optional<Result<T>> result;
};

template <class T, class Job>
Awaitable<Result<T>> WriteQueue::queue(Job& job, bool read_only) {
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(Result<T>)>(
        [this, &job, read_only](auto handler) {
            using Handler = decltype(handler);
            enqueue(std::make_unique<TaskFor<T, Job, Handler>>(std::move(job), std::move(handler), io_, read_only));
        },
        asio::use_awaitable);
}

template <class T, class Job>
Awaitable<Result<T>> WriteQueue::submit(Job& job) {
    co_return co_await queue<T>(job, false);
}

template <class T, class Job>
Awaitable<Result<T>> WriteQueue::read(Job& job) {
    co_return co_await queue<T>(job, true);
}

}  // namespace mfa::daemon
