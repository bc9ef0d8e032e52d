#include "store/sqlite_store.hpp"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "mfa/unique_fd.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_audit.hpp"

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
                                                       const MasterKey& key) {
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
    std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(*db), path, *version, key));
    if (auto sealed = seal_unsealed_audit_head(store->db_, store->seal_); !sealed) return sealed.error();
    return store;
}

Result<void> SqliteStore::checkpoint_in_background(const std::string& path) {
    auto checkpointer = Checkpointer::attach(db_, path);
    if (!checkpointer) return checkpointer.error();
    checkpointer_ = std::move(*checkpointer);
    return {};
}

Result<std::optional<UserRecord>> SqliteStore::load_user(std::string_view user) {
    auto get = db_.prepare(
        "SELECT u.failures, u.locked_until, u.last_verified_at, u.disabled_until, f.state, f.sealed_secret, "
        "f.created_at, f.confirmed_at, f.last_step, b.salt, b.iterations, "
        "(SELECT count(*) FROM backup_codes c WHERE c.user_id = u.id AND c.used_at = 0) "
        "FROM users u LEFT JOIN factors f ON f.user_id = u.id AND f.kind = 'totp' "
        "LEFT JOIN backup_code_sets b ON b.user_id = u.id WHERE u.name = ?1");
    if (!get) return get.error();
    get->bind(1, user);
    auto row = get->step();
    if (!row) return row.error();
    if (!*row) return std::optional<UserRecord>();
    UserRecord record{std::string(user), static_cast<int>(get->int64(0)), get->int64(1), get->int64(2), get->int64(3),
                      {}, {}, static_cast<int>(get->int64(11))};
    if (!get->is_null(4))
        record.totp = TotpFactor{get->text(4) == "active" ? FactorState::active : FactorState::pending,
                                 get->blob(5), get->int64(6), get->int64(7), get->int64(8)};
    if (!get->is_null(9)) record.backup = BackupCodeSalt{get->blob(9), static_cast<int>(get->int64(10))};
    return std::optional<UserRecord>(std::move(record));
}

Result<EnrollStart> SqliteStore::start_enrollment(std::string_view user, std::vector<std::uint8_t> sealed_secret,
                                                  std::int64_t now, const AuditEntry& audit) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto add_user = db_.prepare("INSERT INTO users (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
    if (!add_user) return add_user.error();
    if (auto rc = add_user->bind(1, user).bind(2, now).run(); !rc) return rc.error();

    auto active = db_.prepare(
        "SELECT 1 FROM factors f JOIN users u ON u.id = f.user_id "
        "WHERE u.name = ?1 AND f.kind = 'totp' AND f.state = 'active'");
    if (!active) return active.error();
    auto enabled = active->bind(1, user).step();
    if (!enabled) return enabled.error();
    AuditEntry entry = audit;
    entry.event = "enroll_start";
    if (*enabled) {
        entry.result = "already_enabled";
        if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
        if (auto rc = tx->commit(); !rc) return rc.error();
        return EnrollStart::already_enabled;
    }
    auto put = db_.prepare(
        "INSERT OR REPLACE INTO factors (user_id, kind, state, sealed_secret, created_at) "
        "SELECT id, 'totp', 'pending', ?2, ?3 FROM users WHERE name = ?1");
    if (!put) return put.error();
    put->bind(1, user).bind(2, std::span<const std::uint8_t>(sealed_secret)).bind(3, now);
    if (auto rc = put->run(); !rc) return rc.error();
    entry.result = "ok";
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return EnrollStart::started;
}

Result<EnrollConfirm> SqliteStore::confirm_enrollment(std::string_view user, std::int64_t step, std::int64_t now,
                                                      std::int64_t pending_since, const AuditEntry& audit) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto activate = db_.prepare(
        "UPDATE factors SET state = 'active', confirmed_at = ?2, last_step = ?3 "
        "WHERE kind = 'totp' AND state = 'pending' AND created_at >= ?4 "
        "AND user_id = (SELECT id FROM users WHERE name = ?1)");
    if (!activate) return activate.error();
    activate->bind(1, user).bind(2, now).bind(3, step).bind(4, pending_since);
    if (auto rc = activate->run(); !rc) return rc.error();
    bool confirmed = sqlite3_changes(db_.handle()) == 1;
    if (confirmed) {
        // Enrolled again: a help-desk disable ends here.
        auto enable = db_.prepare("UPDATE users SET disabled_until = 0 WHERE name = ?1");
        if (!enable) return enable.error();
        if (auto rc = enable->bind(1, user).run(); !rc) return rc.error();
    }
    AuditEntry entry = audit;
    entry.event = "enroll_confirm";
    entry.result = confirmed ? "ok" : "no_pending";
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    if (auto rc = tx->commit(); !rc) return rc.error();
    return confirmed ? EnrollConfirm::confirmed : EnrollConfirm::no_pending;
}

Result<void> SqliteStore::run_group(const std::function<void(Store&)>& body) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return tx.error();
    body(*this);
    return tx->commit();
}

Result<void> SqliteStore::append_audit(const AuditEntry& entry, std::int64_t now) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return tx.error();
    if (auto rc = append_audit_row(db_, seal_, entry, now); !rc) return rc.error();
    return tx->commit();
}

}  // namespace mfa::daemon
