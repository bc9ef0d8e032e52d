#include "store/sqlite_store.hpp"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "mfa/unique_fd.hpp"
#include "store/migrations.hpp"

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
// wider than 0600 is narrowed, since it is ours.
Result<void> prepare_file(const std::string& path) {
    UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600));
    if (!fd) {
        if (errno == ELOOP) return make_error(path + ": is a symbolic link; refusing the database");
        return make_error("cannot open database " + errno_text(path));
    }
    struct stat st{};
    if (fstat(fd.get(), &st) != 0) return make_error(errno_text(path));
    if (!S_ISREG(st.st_mode)) return make_error(path + ": not a regular file");
    if ((st.st_mode & 077) != 0 && fchmod(fd.get(), 0600) != 0) return make_error(errno_text(path));
    return {};
}

std::string_view kind_name(FactorKind kind) {
    switch (kind) {
        case FactorKind::totp: return "totp";
    }
    return "totp";
}

std::string_view state_name(FactorState state) { return state == FactorState::active ? "active" : "pending"; }

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, Durability durability) {
    auto slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0)
        if (auto dir = prepare_directory(path.substr(0, slash)); !dir) return dir.error();
    if (auto file = prepare_file(path); !file) return file.error();

    auto db = sqlite::Database::open(path);
    if (!db) return db.error();
    std::string pragmas = "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";
    pragmas += durability == Durability::full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;";
    if (auto rc = db->exec(pragmas); !rc) return rc.error();
    auto mode = db->query_int("SELECT journal_mode = 'wal' FROM pragma_journal_mode");
    if (!mode) return mode.error();
    if (*mode != 1) return make_error("database: " + path + " cannot use WAL mode");

    auto version = migrate(*db);
    if (!version) return version.error();
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db), *version));
}

Result<void> SqliteStore::save_factor(const FactorRecord& factor) {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) return tx.error();
    auto user = db_.prepare("INSERT INTO users (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
    if (!user) return user.error();
    if (auto rc = user->bind(1, factor.user).bind(2, factor.created_at).run(); !rc) return rc.error();

    auto put = db_.prepare(
        "INSERT OR REPLACE INTO factors (user_id, kind, state, sealed_secret, created_at) "
        "SELECT id, ?2, ?3, ?4, ?5 FROM users WHERE name = ?1");
    if (!put) return put.error();
    put->bind(1, factor.user)
        .bind(2, kind_name(factor.kind))
        .bind(3, state_name(factor.state))
        .bind(4, std::span<const std::uint8_t>(factor.sealed_secret))
        .bind(5, factor.created_at);
    if (auto rc = put->run(); !rc) return rc.error();
    return tx->commit();
}

Result<std::optional<FactorRecord>> SqliteStore::load_factor(std::string_view user, FactorKind kind) {
    auto get = db_.prepare(
        "SELECT f.state, f.sealed_secret, f.created_at FROM factors f JOIN users u ON u.id = f.user_id "
        "WHERE u.name = ?1 AND f.kind = ?2");
    if (!get) return get.error();
    get->bind(1, user).bind(2, kind_name(kind));
    auto row = get->step();
    if (!row) return row.error();
    if (!*row) return std::optional<FactorRecord>();
    FactorRecord record{std::string(user), kind,
                        get->text(0) == "active" ? FactorState::active : FactorState::pending, get->blob(1),
                        get->int64(2)};
    return std::optional<FactorRecord>(std::move(record));
}

}  // namespace mfa::daemon
