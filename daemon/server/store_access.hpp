// Where the daemon's store calls run.
// - SQLite, a local file: on the event loop itself. Handing the work to another
//   thread and back cost more than the work (store/write_queue.hpp).
// - PostgreSQL, a server: on a thread of its own with its own connection, one
//   call at a time, so a slow or unreachable server never stalls the loop. A
//   lost connection is opened again with back-off; meanwhile every call fails
//   at once (logins fail closed), and the outage is logged once, not per login.
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

class StoreAccess {
public:
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
    // For ping and status: false while a server is unreachable.
    bool reachable() const { return reachable_.load(); }
    // On the loop: true at most once a second, so health checks cannot crowd logins off the store.
    bool probe_due();

    // What a call gets while the server is unreachable.
    static Error unreachable_error();

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
    std::optional<asio::thread_pool> thread_;
};

template <class T>
Awaitable<Result<T>> StoreAccess::run(std::function<Result<T>(Store&)>& job) {
    if (local_) co_return job(*local_);
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(Result<T>)>(
        // By reference: the initiating lambda is a temporary of the co_await expression.
        [this, &job](auto handler) {
            asio::post(*thread_, [this, job = std::move(job), handler = std::move(handler)]() mutable {
                Store* store = usable();
                Result<T> result = store != nullptr ? job(*store) : Result<T>(unreachable_error());
                after_job();
                auto executor = asio::get_associated_executor(handler);
                asio::post(executor, [h = std::move(handler), r = std::move(result)]() mutable { h(std::move(r)); });
            });
        },
        asio::use_awaitable);
}

}  // namespace mfa::daemon
