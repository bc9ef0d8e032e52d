// Every state change goes through here. Requests that arrive in the same
// turn of the event loop commit as one transaction (each in its own
// savepoint), so parallel logins share an fsync under durability: full. A
// request's coroutine resumes only after the commit.
//
// With SQLite the commit runs on the event loop's own thread. On the small
// machines mfad is measured on, handing work to another thread and back cost
// more than the work itself (two wake-ups per login), and a single thread
// keeps the one connection's page cache warm for every read. The WAL
// checkpoint, the one long write, runs on a thread of its own
// (store/checkpointer.hpp), and so does the fdatasync of durability: full
// (store/wal_sync.hpp): a group's answers wait for it, the loop does not. With PostgreSQL a group runs on the store's
// thread (server/store_access.hpp), one group at a time; what arrives
// meanwhile joins the next.
#pragma once

#include <deque>
#include <memory>
#include <optional>

#include "server/asio.hpp"
#include "server/store_access.hpp"

namespace mfa::daemon {

class WriteQueue {
public:
    // `store` must outlive the queue.
    WriteQueue(asio::io_context& io, StoreAccess& store);
    ~WriteQueue();  // commits what is still queued; its callers are gone by then
    WriteQueue(const WriteQueue&) = delete;
    WriteQueue& operator=(const WriteQueue&) = delete;

    // Runs job(store) in the next group; resumes the caller after the commit.
    // `job` is moved from. Pass a named object: g++ 12 destroys temporaries of a
    // co_await full-expression twice.
    template <class T, class Job>
    Awaitable<Result<T>> submit(Job& job);
    // The same for the last job before hold() or close(): it runs though the queue is shut.
    template <class T, class Job>
    Awaitable<Result<T>> submit_while_closed(Job& job);

    // From now on every new job fails with `why`; jobs queued before still
    // run. hold() is for a while (the store is being moved) and release()
    // ends it; close() is for good (it was moved), and nothing reopens it.
    void hold(std::string why) {
        if (!closed_for_good_) closed_ = std::move(why);
    }
    void release() {
        if (!closed_for_good_) closed_.clear();
    }
    void close(std::string why) {
        closed_ = std::move(why);
        closed_for_good_ = true;
    }
    bool shut() const { return !closed_.empty(); }

    struct Stats {
        std::uint64_t jobs = 0;
        std::uint64_t commits = 0;
    };
    Stats stats() const { return stats_; }

private:
    struct Task {
        virtual ~Task() = default;
        virtual bool abandoned() const = 0;          // its caller was answered by the deadline
        virtual void run(Store& store) = 0;          // inside the group
        virtual void fail(const Error& error) = 0;   // the group did not commit
        virtual void complete() = 0;                 // hands the result to the caller's coroutine
    };
    template <class T, class Job, class Handler>
    struct TaskFor;

    void enqueue(std::unique_ptr<Task> task, bool even_closed = false);
    void start_groups();
    void commit_group();

    asio::io_context& io_;
    StoreAccess& store_;
    std::deque<std::unique_ptr<Task>> queue_;
    bool commit_posted_ = false;
    bool in_flight_ = false;  // a group is on the store's thread
    std::string closed_;
    bool closed_for_good_ = false;
    Stats stats_;
};

template <class T, class Job, class Handler>
struct WriteQueue::TaskFor final : WriteQueue::Task {
    TaskFor(Job j, std::shared_ptr<AnswerBy<T, Handler>> a) : job(std::move(j)), answer(std::move(a)) {}
    bool abandoned() const override { return answer->gave_up(); }
    void run(Store& store) override {
        // Its caller was told the store failed (the deadline): the change is not made.
        if (!answer->start()) {
            result.emplace(StoreAccess::deadline_error());
            return;
        }
        result.emplace(job(store));
        reached = true;
    }
    void fail(const Error& error) override { result.emplace(error); }
    // On the loop. The answer leaves the task, so the store's thread never holds its timer.
    void complete() override {
        auto executor = answer->executor();
        asio::post(executor, [a = std::move(answer), r = std::move(*result), reached = reached]() mutable {
            a->answer(std::move(r), reached);
        });
    }
    Job job;
    std::shared_ptr<AnswerBy<T, Handler>> answer;
    std::optional<Result<T>> result;
    bool reached = false;  // ran against a store (not refused before it)
};

template <class T, class Job>
Awaitable<Result<T>> WriteQueue::submit(Job& job) {
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(Result<T>)>(
        [this, &job](auto handler) {
            using Handler = decltype(handler);
            asio::any_io_executor executor = asio::get_associated_executor(handler);
            // A store on a thread, or a disk synced on one, may hang: the
            // caller is answered by the deadline, never by the module's timeout.
            bool timed = store_.local() == nullptr || store_.local()->durable_later();
            auto answer = std::make_shared<AnswerBy<T, Handler>>(std::move(handler), executor, timed ? &store_ : nullptr);
            if (timed) answer->arm(StoreAccess::kDeadline);
            enqueue(std::make_unique<TaskFor<T, Job, Handler>>(std::move(job), std::move(answer)));
        },
        asio::use_awaitable);
}

// No deadline: the job is a migration's copy, as long as the rows take.
template <class T, class Job>
Awaitable<Result<T>> WriteQueue::submit_while_closed(Job& job) {
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(Result<T>)>(
        [this, &job](auto handler) {
            using Handler = decltype(handler);
            asio::any_io_executor executor = asio::get_associated_executor(handler);
            auto answer = std::make_shared<AnswerBy<T, Handler>>(std::move(handler), executor, nullptr);
            enqueue(std::make_unique<TaskFor<T, Job, Handler>>(std::move(job), std::move(answer)), true);
        },
        asio::use_awaitable);
}

}  // namespace mfa::daemon
