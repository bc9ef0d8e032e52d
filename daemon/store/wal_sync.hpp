// durability: full without the event loop waiting on the disk. Commits run
// with synchronous = NORMAL (written to the WAL, not synced); this thread
// then fdatasyncs the WAL once for every commit that has queued since its
// last sync (group commit), and only then are their answers sent. A commit's
// frames are on disk before anyone hears of it, as SQLite's FULL would have
// them, but the loop commits the next group while the disk works.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mfa/result.hpp"
#include "mfa/unique_fd.hpp"

namespace mfa::daemon {

class WalSync {
public:
    using Done = std::function<void(Result<void>)>;
    using SyncCall = std::function<int(int fd)>;  // fdatasync; tests make the disk fail

    // `wal` is the database's -wal file, which must exist (the writer has it open).
    static Result<std::unique_ptr<WalSync>> open(const std::string& wal, SyncCall sync = nullptr);
    ~WalSync();  // syncs what is waiting, then joins
    WalSync(const WalSync&) = delete;
    WalSync& operator=(const WalSync&) = delete;

    // Calls done, on the sync thread, after an fdatasync that began after this
    // call. A failed sync fails every later one too: the kernel may have
    // dropped the pages it could not write, so a later "success" proves nothing.
    void after_next_sync(Done done);
    // The error of the failed sync, from any thread: nothing more may be
    // committed, since nobody could be told it was kept.
    std::optional<Error> failure() const;

private:
    WalSync(std::string path, UniqueFd fd, SyncCall sync);
    Result<void> sync_once();
    void loop();

    std::string path_;
    UniqueFd fd_;
    SyncCall sync_;
    mutable std::mutex mutex_;
    std::optional<Error> broken_;  // set once, under mutex_
    std::condition_variable wake_;
    std::vector<Done> waiting_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace mfa::daemon
