#include "server/store_access.hpp"

#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

constexpr std::chrono::milliseconds kFirstRetry{100};
constexpr std::chrono::milliseconds kLongestRetry{5000};

}  // namespace

StoreAccess::StoreAccess(std::unique_ptr<Store> first, Open open)
    : remote_(std::move(first)), open_(std::move(open)), thread_(std::in_place, 1) {}

StoreAccess::~StoreAccess() {
    if (thread_) thread_->join();
}

Error StoreAccess::unreachable_error() {
    return Error{"the store is unreachable (see the log's \"store unreachable\"); logins fail closed until it is back", true};
}

Error StoreAccess::deadline_error() {
    return Error{"the store did not answer within " + std::to_string(kDeadline.count() / 1000) +
                     " s (see the log's \"store not answering\"); logins fail closed until it does",
                 true};
}

Error StoreAccess::unconfirmed_error() {
    return Error{"the store did not confirm within " + std::to_string(kDeadline.count() / 1000) +
                     " s; the change may have been made: check, and do it again if it was not",
                 true};
}

void StoreAccess::answered(bool in_time) {
    if (in_time == !late_) return;
    late_ = !in_time;
    if (late_) log::error("store not answering: logins fail closed until it does (the server hangs, or a lock is held)");
    else log::notice("store answering again");
}

Store* StoreAccess::usable() {
    if (remote_ && !remote_->lost()) return remote_.get();
    reachable_ = false;
    auto now = std::chrono::steady_clock::now();
    if (remote_) {
        remote_.reset();
        next_try_ = now;  // the first try at once: a failover is often quick
    }
    if (now < next_try_) return nullptr;
    auto opened = open_();
    if (!opened) {
        if (!in_outage_) log::error("store unreachable: logins fail closed until it is back", {{"MFA_REASON", opened.error().message}});
        in_outage_ = true;
        backoff_ = backoff_ == std::chrono::milliseconds{0} ? kFirstRetry : std::min(backoff_ * 2, kLongestRetry);
        next_try_ = now + backoff_;
        return nullptr;
    }
    remote_ = std::move(*opened);
    backoff_ = std::chrono::milliseconds{0};
    reachable_ = true;
    if (in_outage_) log::notice("store reachable again");
    in_outage_ = false;
    return remote_.get();
}

// A connection lost during a job: the outage begins now, seen by a health
// check at once, and logged here once (the job's error is not logged again).
void StoreAccess::after_job() {
    if (!remote_) return;
    auto why = remote_->lost();
    if (!why) return;
    reachable_ = false;
    if (!in_outage_) log::error("store unreachable: logins fail closed until it is back", {{"MFA_REASON", *why}});
    in_outage_ = true;
}

bool StoreAccess::probe_due() {
    auto now = std::chrono::steady_clock::now();
    if (now - last_probe_ < std::chrono::seconds(1)) return false;
    last_probe_ = now;
    return true;
}

Awaitable<Result<std::optional<UserRecord>>> StoreAccess::load_user(const std::string& user) {
    std::function<Result<std::optional<UserRecord>>(Store&)> job = [user](Store& store) { return store.load_user(user); };
    co_return co_await run(job);
}

void StoreAccess::dispatch(std::function<void(Store*)> group, const asio::any_io_executor& executor,
                           std::function<void()> done) {
    if (local_) {
        group(local_.get());
        done();
        return;
    }
    asio::post(*thread_, [this, group = std::move(group), executor, done = std::move(done)]() mutable {
        group(usable());
        after_job();
        asio::post(executor, std::move(done));
    });
}

}  // namespace mfa::daemon
