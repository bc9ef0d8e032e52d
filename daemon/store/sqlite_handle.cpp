#include "store/sqlite_handle.hpp"

#include <mutex>

namespace mfa::daemon::sqlite {

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

Statement::~Statement() {
    if (stmt_ == nullptr) return;
    if (lease_ == nullptr) {
        sqlite3_finalize(stmt_);
        return;
    }
    reset();  // also ends the read a SELECT held open
    lease_->in_use = false;
}

Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
    sqlite3_bind_blob(stmt_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind_null(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
}

Result<bool> Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return error_from(db_, rc, "step");
}

Result<void> Statement::run() {
    auto rc = step();
    reset();
    if (!rc) return rc.error();
    return {};
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    int n = sqlite3_column_bytes(stmt_, column);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::vector<std::uint8_t> Statement::blob(int column) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
    int n = sqlite3_column_bytes(stmt_, column);
    return p == nullptr ? std::vector<std::uint8_t>() : std::vector<std::uint8_t>(p, p + n);
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

Result<Statement> Database::prepare(std::string_view sql) {
    auto found = statements_.find(sql);
    if (found != statements_.end() && !found->second.in_use) return Statement(db_.get(), found->second);
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &stmt, nullptr);
    if (rc != SQLITE_OK) return error_from(db_.get(), rc, "prepare");
    if (found != statements_.end()) return Statement(db_.get(), stmt);  // the kept one is busy: a one-off
    auto& cached = statements_[std::string(sql)];
    cached.stmt.reset(stmt);
    return Statement(db_.get(), cached);
}

Result<std::int64_t> Database::query_int(const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
    if (rc != SQLITE_OK) return error_from(db_.get(), rc, "prepare");
    Statement stmt(db_.get(), raw);
    auto row = stmt.step();
    if (!row) return row.error();
    if (!*row) return make_error("database: no row for " + sql);
    return stmt.int64(0);
}

Result<Transaction> Transaction::begin(Database& db) {
    bool nested = sqlite3_get_autocommit(db.handle()) == 0;
    auto start = db.prepare(nested ? "SAVEPOINT mfa_step" : "BEGIN IMMEDIATE");
    if (!start) return start.error();
    if (auto rc = start->run(); !rc) return rc.error();
    return Transaction(&db, nested);
}

Transaction::~Transaction() {
    if (db_ != nullptr) (void)db_->exec(nested_ ? "ROLLBACK TO mfa_step; RELEASE mfa_step" : "ROLLBACK");
}

Result<void> Transaction::commit() {
    auto end = db_->prepare(nested_ ? "RELEASE mfa_step" : "COMMIT");
    if (!end) return end.error();
    if (auto rc = end->run(); !rc) return rc.error();  // the destructor rolls back
    db_ = nullptr;
    return {};
}

}  // namespace mfa::daemon::sqlite
