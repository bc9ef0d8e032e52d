// Copies the WAL back into the database file on a thread of its own. SQLite
// would otherwise do it inside whichever commit crosses 1000 WAL pages, and
// that group's logins would wait behind a pass of random writes and an fsync.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite_handle.hpp"

namespace mfa::daemon {

class Checkpointer {
public:
    // From now on `writer` leaves checkpoints to a second connection to `path`,
    // except past kWalLimitPages (see the .cpp), where it takes one itself.
    static Result<std::unique_ptr<Checkpointer>> attach(sqlite::Database& writer, const std::string& path);
    ~Checkpointer();  // detaches from the writer, then joins
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

private:
    Checkpointer(sqlite::Database& writer, sqlite::Database own);
    static int after_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
    void loop();

    sqlite3* writer_;
    int signalled_at_ = 0;  // WAL pages at the last wake-up; the writer's thread only
    sqlite::Database own_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool due_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace mfa::daemon
