#include "store/wal_sync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sys/log.hpp"

namespace mfa::daemon {

Result<std::unique_ptr<WalSync>> WalSync::open(const std::string& wal, SyncCall sync) {
    UniqueFd fd(::open(wal.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) return make_error("cannot open " + wal + " to sync it: " + std::strerror(errno));
    if (!sync) sync = [](int f) { return ::fdatasync(f); };
    return std::unique_ptr<WalSync>(new WalSync(wal, std::move(fd), std::move(sync)));
}

WalSync::WalSync(std::string path, UniqueFd fd, SyncCall sync)
    : path_(std::move(path)), fd_(std::move(fd)), sync_(std::move(sync)), thread_([this] { loop(); }) {}

WalSync::~WalSync() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void WalSync::after_next_sync(Done done) {
    {
        std::lock_guard lock(mutex_);
        waiting_.push_back(std::move(done));
    }
    wake_.notify_one();
}

std::optional<Error> WalSync::failure() const {
    std::lock_guard lock(mutex_);
    return broken_;
}

Result<void> WalSync::sync_once() {
    if (auto failed = failure()) return *failed;
    // The writer's connection holds the WAL open from its first read to its
    // close, so this is the file its commits go to: one inode for mfad's run.
    int rc = 0;
    do rc = sync_(fd_.get());
    while (rc != 0 && errno == EINTR);  // a signal is not the disk's answer
    if (rc == 0) return {};
    int failure = errno;
    Error error{"the disk did not confirm a write (fdatasync " + path_ + ": " + std::strerror(failure) +
                    "); every change is answered with this error until mfad is restarted, after the disk is checked",
                true};
    {
        std::lock_guard lock(mutex_);
        broken_ = error;
    }
    log::error("store unreachable: the disk did not confirm a write; logins fail closed until mfad is restarted",
               {{"MFA_REASON", error.message}});
    return error;
}

void WalSync::loop() {
    for (;;) {
        std::vector<Done> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
            if (waiting_.empty()) return;  // stopping, and nothing left to sync
            batch.swap(waiting_);
        }
        // Everything in the batch was committed before this sync began.
        auto synced = sync_once();
        for (auto& done : batch) done(synced);
    }
}

}  // namespace mfa::daemon
