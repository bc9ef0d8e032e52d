#include "store/sqlite_handle.hpp"

#include <mutex>

namespace mfa::daemon::sqlite {
namespace {

class SqliteCursor final : public sql::Cursor {
public:
    SqliteCursor(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    ~SqliteCursor() override { sqlite3_finalize(stmt_); }
    SqliteCursor(const SqliteCursor&) = delete;
    SqliteCursor& operator=(const SqliteCursor&) = delete;

    void bind(int index, std::int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
    void bind(int index, std::string_view text) override {
        sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    void bind(int index, std::span<const std::uint8_t> blob) override {
        sqlite3_bind_blob(stmt_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    }
    Result<bool> step() override {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        return error_from(db_, rc, "step");
    }
    void reset() override {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    std::int64_t int64(int column) const override { return sqlite3_column_int64(stmt_, column); }
    bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    std::string text(int column) const override {
        const auto* p = sqlite3_column_text(stmt_, column);
        int n = sqlite3_column_bytes(stmt_, column);
        return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    }
    std::vector<std::uint8_t> blob(int column) const override {
        const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
        int n = sqlite3_column_bytes(stmt_, column);
        return p == nullptr ? std::vector<std::uint8_t>() : std::vector<std::uint8_t>(p, p + n);
    }

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

}  // namespace

Error error_from(sqlite3* db, int rc, std::string_view what) {
    std::string reason;
    switch (rc & 0xff) {
        case SQLITE_FULL: reason = "disk full"; break;
        case SQLITE_READONLY: reason = "read-only database"; break;
        case SQLITE_BUSY: reason = "database busy (locked by another process)"; break;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: reason = "database file is corrupt or not a database"; break;
        case SQLITE_CANTOPEN: reason = "cannot open database file"; break;
        case SQLITE_IOERR: reason = "I/O error"; break;
        default: reason = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    }
    return Error{"database: " + std::string(what) + ": " + reason};
}

Result<Database> Database::open(const std::string& path) {
    // Allocation statistics take one process-wide mutex on every malloc, which
    // the event loop's and the writer's connections would fight over.
    static std::once_flag configured;
    std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW |
                                 SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                             nullptr);
    Database db(raw);
    if (rc != SQLITE_OK) return error_from(raw, rc, "open " + path);
    return db;
}

Result<void> Database::exec(const std::string& sql) {
    int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return error_from(db_.get(), rc, "exec");
    return {};
}

Result<void> Database::begin_write() {
    auto begin = prepare("BEGIN IMMEDIATE");
    if (!begin) return begin.error();
    return begin->run();
}

Result<std::unique_ptr<sql::Cursor>> Database::compile(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &stmt, nullptr);
    if (rc != SQLITE_OK) return error_from(db_.get(), rc, "prepare");
    return std::unique_ptr<sql::Cursor>(std::make_unique<SqliteCursor>(db_.get(), stmt));
}

}  // namespace mfa::daemon::sqlite
