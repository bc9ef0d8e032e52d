#include "store/sqlite_store.hpp"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "mfa/unique_fd.hpp"
#include "store/migrations.hpp"
#include "store/sql_audit.hpp"

namespace mfa::daemon {
namespace {

std::string errno_text(const std::string& what) { return what + ": " + strerror(errno); }

Result<void> prepare_directory(const std::string& dir) {
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return make_error("cannot create " + errno_text(dir));
    struct stat st{};
    if (lstat(dir.c_str(), &st) != 0) return make_error(errno_text(dir));
    if (S_ISLNK(st.st_mode)) return make_error(dir + ": is a symbolic link; refusing the database directory");
    if (!S_ISDIR(st.st_mode)) return make_error(dir + ": not a directory");
    if ((st.st_mode & 022) != 0) return make_error(dir + ": writable by group or others; run chmod 700 " + dir);
    return {};
}

// Creates the file owner-only before SQLite sees it; an existing file that is
// wider than 0600 is narrowed, since it is ours. An existing file is never
// opened here: close() would drop the POSIX locks of this process's other
// connections, and another process could then delete the live WAL.
Result<void> prepare_file(const std::string& path) {
    struct stat st{};
    if (lstat(path.c_str(), &st) != 0) {
        if (errno != ENOENT) return make_error(errno_text(path));
        UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600));
        if (!fd) return make_error("cannot create database " + errno_text(path));
        return {};
    }
    if (S_ISLNK(st.st_mode)) return make_error(path + ": is a symbolic link; refusing the database");
    if (!S_ISREG(st.st_mode)) return make_error(path + ": not a regular file");
    if ((st.st_mode & 077) != 0 && chmod(path.c_str(), 0600) != 0) return make_error(errno_text(path));
    return {};
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, Durability durability,
                                                       const KeyRing& keys) {
    auto slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0)
        if (auto dir = prepare_directory(path.substr(0, slash)); !dir) return dir.error();
    if (auto file = prepare_file(path); !file) return file.error();

    auto db = sqlite::Database::open(path);
    if (!db) return db.error();
    // An 8 MiB page cache (SQLite: 2) keeps the inner pages of every index in
    // memory with a million users, so a login misses at most one page per table.
    std::string pragmas =
        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -8192;";
    pragmas += durability == Durability::full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;";
    if (auto rc = db->exec(pragmas); !rc) return rc.error();
    auto mode = db->query_int("SELECT journal_mode = 'wal' FROM pragma_journal_mode");
    if (!mode) return mode.error();
    if (*mode != 1) return make_error("database: " + path + " cannot use WAL mode");

    auto version = migrate(*db);
    if (!version) return version.error();
    std::unique_ptr<SqliteStore> store(
        new SqliteStore(std::make_unique<sqlite::Database>(std::move(*db)), path, *version, keys));
    if (auto sealed = seal_unsealed_audit_head(store->db_, store->seal_); !sealed) return sealed.error();
    if (durability == Durability::full) {
        // From here on the WAL is synced off the event loop (store/wal_sync.hpp).
        auto sync = WalSync::open(path + "-wal");
        if (!sync) return sync.error();
        if (auto rc = store->db_.exec("PRAGMA synchronous = NORMAL"); !rc) return rc.error();
        store->wal_sync_ = std::move(*sync);
    }
    return store;
}

Result<void> SqliteStore::run_group(const std::function<void(Store&)>& body) {
    if (wal_sync_)
        if (auto lost = wal_sync_->failure()) return *lost;
    return SqlStore::run_group(body);
}

void SqliteStore::when_durable(std::function<void(Result<void>)> done) {
    if (wal_sync_) wal_sync_->after_next_sync(std::move(done));
    else done({});
}

Result<void> SqliteStore::checkpoint_in_background(const std::string& path) {
    auto checkpointer = Checkpointer::attach(sqlite(), path);
    if (!checkpointer) return checkpointer.error();
    checkpointer_ = std::move(*checkpointer);
    return {};
}

// The file's header says it was moved: a mark no later row can hide.
constexpr std::int64_t kMovedToPostgresql = 0x6d66614d;  // "mfaM"

Result<bool> SqliteStore::migrated_away() {
    auto id = db_.query_int("PRAGMA application_id");
    if (!id) return id.error();
    return *id == kMovedToPostgresql;
}

Result<void> SqliteStore::mark_moved() { return db_.exec("PRAGMA application_id = " + std::to_string(kMovedToPostgresql)); }

std::function<Result<AuditCheck>()> SqliteStore::audit_chain_checker() const {
    return [path = path_, seal = reader_seal_]() -> Result<AuditCheck> {
        auto db = sqlite::Database::open(path);
        if (!db) return db.error();
        // One read transaction: the rows and the sealed head from one snapshot,
        // or a row committed between the two reads would look like a deletion.
        if (auto rc = db->exec("PRAGMA busy_timeout = 5000; BEGIN;"); !rc) return rc.error();
        auto check = verify_audit_rows(*db, *seal);
        if (auto rc = db->exec("COMMIT;"); !rc) return rc.error();
        return check;
    };
}

}  // namespace mfa::daemon
