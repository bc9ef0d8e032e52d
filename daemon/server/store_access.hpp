// Where the daemon's store calls run.
// - SQLite, a local file: on the event loop itself. Handing the work to another
//   thread and back cost more than the work (store/write_queue.hpp).
// - PostgreSQL, a server: on a thread of its own with its own connection, one
//   call at a time, so a slow or unreachable server never stalls the loop. A
//   lost connection is opened again with back-off; meanwhile every call fails
//   at once (logins fail closed), and the outage is logged once, not per login.
//   Every call is answered within kDeadline: a server that hangs (or a lock
//   held elsewhere) gets the caller an outage error, long before the PAM
//   module's own timeout, which fail_mode=open would let through.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/thread_pool.hpp>

#include "server/asio.hpp"
#include "store/store.hpp"

namespace mfa::daemon {

class StoreAccess;

// One caller's answer from the store: the result, or an error once the
// deadline passes, whichever comes first. Lives on the caller's executor; the
// store's thread only posts to it, and calls start().
template <class T, class Handler>
class AnswerBy : public std::enable_shared_from_this<AnswerBy<T, Handler>> {
public:
    AnswerBy(Handler handler, const asio::any_io_executor& executor, StoreAccess* watch)
        : handler_(std::move(handler)), executor_(executor), timer_(executor), watch_(watch) {}
    // Starts the deadline (for a store on a thread; a local one answers in place).
    void arm(std::chrono::milliseconds limit);
    // With the store's result; `reached`: the job ran against a store (an
    // answer in time then says the store answers).
    void answer(Result<T> result, bool reached);
    // On the store's thread, before the job: false when the deadline answered
    // first (the job is skipped). After it, the deadline can only say that
    // the change may have been made.
    bool start() {
        int pending = kPending;
        return stage_.compare_exchange_strong(pending, kStarted);
    }
    // The deadline answered before the job began: it will never run.
    bool gave_up() const { return stage_.load() == kGaveUp; }
    // Any thread: a copy made at construction, never the timer the loop uses.
    const asio::any_io_executor& executor() const { return executor_; }

private:
    static constexpr int kPending = 0, kStarted = 1, kGaveUp = 2;
    void finish(Result<T> result);

    std::optional<Handler> handler_;
    const asio::any_io_executor executor_;
    asio::steady_timer timer_;
    StoreAccess* watch_;  // told whether answers come in time; null: nobody watches
    std::atomic<int> stage_{kPending};
};

class StoreAccess {
public:
    // How long a caller waits for a store on a thread (the module waits 10 s
    // by default, and a BEGIN makes one or two store calls).
    static constexpr std::chrono::milliseconds kDeadline{2000};

    using Open = std::function<Result<std::unique_ptr<Store>>()>;

    // On the loop: `store` is called in place.
    explicit StoreAccess(std::unique_ptr<Store> store) : local_(std::move(store)) {}
    // On a thread: `first` came from `open`, which is called again after the
    // connection is lost.
    StoreAccess(std::unique_ptr<Store> first, Open open);
    ~StoreAccess();  // the thread finishes what was queued, then stops
    StoreAccess(const StoreAccess&) = delete;
    StoreAccess& operator=(const StoreAccess&) = delete;

    // Runs job(store) where the store lives; the caller resumes on its own
    // executor. `job` is moved from: pass a named object (g++ 12 destroys
    // temporaries of a co_await full-expression twice).
    template <class T>
    Awaitable<Result<T>> run(std::function<Result<T>(Store&)>& job);

    // The common read.
    Awaitable<Result<std::optional<UserRecord>>> load_user(const std::string& user);

    // For the write queue: group(store) where the store lives, null when it
    // is unreachable; then done() on `executor`.
    void dispatch(std::function<void(Store*)> group, const asio::any_io_executor& executor, std::function<void()> done);
    // The store on the loop, or null when it lives on a thread.
    Store* local() const { return local_.get(); }
    // For ping and status, on the loop: false while a server is unreachable,
    // or does not answer by the deadline, or the disk failed a sync.
    bool reachable() const { return reachable_.load() && !late_ && !(local_ && local_->writes_refused()); }
    // On the loop: true at most once a second, so health checks cannot crowd logins off the store.
    bool probe_due();

    // What a call gets while the server is unreachable, or past kDeadline
    // (before its job began, or while it ran: then it may have been made).
    static Error unreachable_error();
    static Error deadline_error();
    static Error unconfirmed_error();
    // On the loop: whether an answer came by the deadline. The first late one
    // logs "store not answering", the next one in time "store answering again".
    void answered(bool in_time);

private:
    Store* usable();    // on the thread: the store, opened again when due
    void after_job();   // on the thread

    std::unique_ptr<Store> local_;
    std::unique_ptr<Store> remote_;
    Open open_;
    std::chrono::steady_clock::time_point next_try_{};
    std::chrono::milliseconds backoff_{0};
    bool in_outage_ = false;  // logged as unreachable; on the thread only
    std::atomic<bool> reachable_{true};
    std::chrono::steady_clock::time_point last_probe_{};
    bool late_ = false;  // on the loop only
    std::optional<asio::thread_pool> thread_;
};

template <class T, class Handler>
void AnswerBy<T, Handler>::arm(std::chrono::milliseconds limit) {
    timer_.expires_after(limit);
    timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
        if (ec || !self->handler_) return;
        int pending = kPending;
        bool never_ran = self->stage_.compare_exchange_strong(pending, kGaveUp);
        if (self->watch_ != nullptr) self->watch_->answered(false);
        self->finish(never_ran ? StoreAccess::deadline_error() : StoreAccess::unconfirmed_error());
    });
}

template <class T, class Handler>
void AnswerBy<T, Handler>::answer(Result<T> result, bool reached) {
    if (!handler_) {  // the deadline answered first; the store answers again, if late
        if (watch_ != nullptr && reached) watch_->answered(true);
        return;
    }
    if (watch_ != nullptr && reached) watch_->answered(true);
    finish(std::move(result));
}

template <class T, class Handler>
void AnswerBy<T, Handler>::finish(Result<T> result) {
    timer_.cancel();
    auto handler = std::move(*handler_);
    handler_.reset();
    handler(std::move(result));
}

template <class T>
Awaitable<Result<T>> StoreAccess::run(std::function<Result<T>(Store&)>& job) {
    if (local_) co_return job(*local_);
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(Result<T>)>(
        // By reference: the initiating lambda is a temporary of the co_await expression.
        [this, &job](auto handler) {
            asio::any_io_executor executor = asio::get_associated_executor(handler);
            auto answer = std::make_shared<AnswerBy<T, decltype(handler)>>(std::move(handler), executor, this);
            answer->arm(kDeadline);
            asio::post(*thread_, [this, job = std::move(job), answer = std::move(answer), executor]() mutable {
                if (!answer->start()) {  // answered by the deadline; its timer is still the loop's to destroy
                    asio::post(executor, [a = std::move(answer)] {});
                    return;
                }
                Store* store = usable();
                Result<T> result = store != nullptr ? job(*store) : Result<T>(unreachable_error());
                after_job();
                // The answer is handed back whole: its timer is the loop's to destroy.
                asio::post(executor, [a = std::move(answer), r = std::move(result), reached = store != nullptr]() mutable {
                    a->answer(std::move(r), reached);
                });
            });
        },
        asio::use_awaitable);
}

}  // namespace mfa::daemon
