// One worker thread for reads too slow for the event loop (walking the whole
// audit chain takes seconds with millions of rows). One thread, so such jobs
// queue behind each other instead of multiplying.
#pragma once

#include <functional>

#include <boost/asio/thread_pool.hpp>

#include "mfa/result.hpp"
#include "server/asio.hpp"

namespace mfa::daemon {

class Background {
public:
    Background() : pool_(1) {}
    ~Background() { pool_.join(); }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    // Runs job() on the worker; the caller resumes on its own executor. `job`
    // is moved from. Pass a named object: g++ 12 destroys temporaries of a
    // co_await full-expression twice.
    template <class T>
    Awaitable<Result<T>> run(std::function<Result<T>()>& job) {
        co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(Result<T>)>(
            // By reference: the initiating lambda is a temporary of the co_await expression.
            [this, &job](auto handler) {
                asio::post(pool_, [job = std::move(job), handler = std::move(handler)]() mutable {
                    auto result = job();
                    auto executor = asio::get_associated_executor(handler);
                    asio::post(executor, [h = std::move(handler), r = std::move(result)]() mutable { h(std::move(r)); });
                });
            },
            asio::use_awaitable);
    }

private:
    asio::thread_pool pool_;
};

}  // namespace mfa::daemon
