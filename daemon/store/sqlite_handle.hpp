// RAII over sqlite3 and sqlite3_stmt, with errors as values.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::daemon::sqlite {

struct DbDeleter {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtDeleter {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// "database: disk full" rather than SQLite's terse code names.
Error error_from(sqlite3* db, int rc, std::string_view what);

// A statement this connection prepared once and keeps; `in_use` stops a second
// Statement from borrowing it at the same time.
struct CachedStatement {
    std::unique_ptr<sqlite3_stmt, StmtDeleter> stmt;
    bool in_use = false;
};

class Statement {
public:
    // Owns `stmt` (finalized when done), or borrows a cached one (reset when done).
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    Statement(sqlite3* db, CachedStatement& cached) : db_(db), stmt_(cached.stmt.get()), lease_(&cached) {
        cached.in_use = true;
    }
    ~Statement();
    Statement(Statement&& other) noexcept
        : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), lease_(std::exchange(other.lease_, nullptr)) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::span<const std::uint8_t> blob);
    Statement& bind_null(int index);

    // true: a row is ready; false: done.
    Result<bool> step();
    Result<void> run();  // a statement that returns no rows
    void reset();

    std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
    bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    std::string text(int column) const;
    std::vector<std::uint8_t> blob(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
    CachedStatement* lease_ = nullptr;
};

class Database {
public:
    // Opens without following a symlink in the last component; creates the file
    // if missing. No connection mutex: each connection stays on one thread.
    static Result<Database> open(const std::string& path);

    Result<void> exec(const std::string& sql);
    // `sql` is a constant of the code: it is prepared once and kept for this
    // connection, since preparing costs more than running on the login path.
    Result<Statement> prepare(std::string_view sql);
    Result<std::int64_t> query_int(const std::string& sql);  // prepared once, not kept
    sqlite3* handle() const { return db_.get(); }

private:
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    explicit Database(sqlite3* db) : db_(db) {}
    std::unique_ptr<sqlite3, DbDeleter> db_;
    // Declared after db_: finalized before the connection closes.
    std::unordered_map<std::string, CachedStatement, TextHash, std::equal_to<>> statements_;
};

// BEGIN IMMEDIATE on construction, or a SAVEPOINT inside an open transaction
// (a group commit); rolled back unless commit() succeeded.
class Transaction {
public:
    static Result<Transaction> begin(Database& db);
    ~Transaction();
    Transaction(Transaction&& other) noexcept
        : db_(std::exchange(other.db_, nullptr)), nested_(other.nested_) {}
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction& operator=(Transaction&&) = delete;

    Result<void> commit();

private:
    Transaction(Database* db, bool nested) : db_(db), nested_(nested) {}
    Database* db_;
    bool nested_;
};

}  // namespace mfa::daemon::sqlite
