// WalSync: commits that queue while a sync runs share the next one (group
// commit), nobody is answered by a sync that began before their commit, and a
// disk that failed once is never trusted again.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/wal_sync.hpp"
#include "temp_dir.hpp"

extern "C" {
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
}

using mfa::daemon::WalSync;

namespace {

// A sync call the test can hold at its start, that counts and can fail.
struct FakeDisk {
    std::mutex gate;
    std::atomic<int> syncs{0};
    std::atomic<int> started{0};
    std::atomic<bool> fail{false};
    std::atomic<int> interrupted{0};  // this many calls end in EINTR first
    WalSync::SyncCall call() {
        return [this](int fd) {
            started += 1;
            std::lock_guard hold(gate);
            syncs += 1;
            if (fd < 0) return -1;
            if (interrupted > 0) {
                interrupted -= 1;
                errno = EINTR;
                return -1;
            }
            if (fail) {
                errno = EIO;
                return -1;
            }
            return ::fdatasync(fd);
        };
    }
};

std::string wal_file(mfa::test::TempDir& dir) {
    dir.write("db-wal", "frames");
    return dir.file("db-wal");
}

void waiters_during_a_sync_share_the_next_one(void**) {
    mfa::test::TempDir dir;
    FakeDisk disk;
    auto sync = WalSync::open(wal_file(dir), disk.call());
    assert_true(sync.ok());
    std::unique_lock held(disk.gate);  // the first sync starts and waits here
    std::promise<bool> first;
    (*sync)->after_next_sync([&](mfa::Result<void> r) { first.set_value(r.ok()); });
    while (disk.started < 1) std::this_thread::yield();
    // Committed while the disk is busy: the running sync may predate them.
    std::vector<std::promise<bool>> later(3);
    for (auto& p : later) (*sync)->after_next_sync([&p](mfa::Result<void> r) { p.set_value(r.ok()); });
    assert_int_equal(disk.syncs.load(), 0);
    held.unlock();
    assert_true(first.get_future().get());
    for (auto& p : later) assert_true(p.get_future().get());
    assert_int_equal(disk.syncs.load(), 2);  // one for the first, one for the three
}

void a_failed_sync_fails_every_later_one(void**) {
    mfa::test::TempDir dir;
    FakeDisk disk;
    auto sync = WalSync::open(wal_file(dir), disk.call());
    assert_true(sync.ok());
    disk.fail = true;
    std::promise<mfa::Result<void>> failed;
    (*sync)->after_next_sync([&](mfa::Result<void> r) { failed.set_value(std::move(r)); });
    auto result = failed.get_future().get();
    assert_false(result.ok());
    assert_true((*sync)->failure().has_value());  // what the writer checks before each group
    assert_true(result.error().outage);  // denied whatever fail_mode says
    assert_non_null(strstr(result.error().message.c_str(), "did not confirm"));
    // The disk "recovers": the pages it dropped are still lost.
    disk.fail = false;
    std::promise<mfa::Result<void>> later;
    (*sync)->after_next_sync([&](mfa::Result<void> r) { later.set_value(std::move(r)); });
    assert_false(later.get_future().get().ok());
    assert_int_equal(disk.syncs.load(), 1);
}

void a_signal_during_a_sync_is_no_failure(void**) {
    mfa::test::TempDir dir;
    FakeDisk disk;
    disk.interrupted = 2;
    auto sync = WalSync::open(wal_file(dir), disk.call());
    assert_true(sync.ok());
    std::promise<bool> synced;
    (*sync)->after_next_sync([&](mfa::Result<void> r) { synced.set_value(r.ok()); });
    assert_true(synced.get_future().get());
    assert_int_equal(disk.syncs.load(), 3);
    assert_false((*sync)->failure().has_value());
}

void stopping_syncs_what_waits(void**) {
    mfa::test::TempDir dir;
    FakeDisk disk;
    std::atomic<int> answered{0};
    {
        auto sync = WalSync::open(wal_file(dir), disk.call());
        assert_true(sync.ok());
        std::unique_lock held(disk.gate);
        for (int i = 0; i < 5; ++i) (*sync)->after_next_sync([&](mfa::Result<void> r) { answered += r.ok(); });
        held.unlock();
    }  // the destructor joins only after every waiter was synced and answered
    assert_int_equal(answered.load(), 5);
    assert_true(disk.syncs.load() >= 1);
}

void a_missing_wal_is_an_error(void**) {
    mfa::test::TempDir dir;
    auto sync = WalSync::open(dir.file("no-such-wal"));
    assert_false(sync.ok());
    assert_non_null(strstr(sync.error().message.c_str(), "no-such-wal"));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(waiters_during_a_sync_share_the_next_one),
        cmocka_unit_test(a_failed_sync_fails_every_later_one),
        cmocka_unit_test(a_signal_during_a_sync_is_no_failure),
        cmocka_unit_test(stopping_syncs_what_waits),
        cmocka_unit_test(a_missing_wal_is_an_error),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
