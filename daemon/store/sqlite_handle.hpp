// RAII over sqlite3 and sqlite3_stmt, with errors as values.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
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

class Statement {
public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::span<const std::uint8_t> blob);
    Statement& bind_null(int index);

    // true: a row is ready; false: done.
    Result<bool> step();
    Result<void> run();  // a statement that returns no rows
    void reset();

    std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
    bool is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }
    std::string text(int column) const;
    std::vector<std::uint8_t> blob(int column) const;

private:
    sqlite3* db_;
    std::unique_ptr<sqlite3_stmt, StmtDeleter> stmt_;
};

class Database {
public:
    // Opens without following a symlink in the last component; creates the file if missing.
    static Result<Database> open(const std::string& path);

    Result<void> exec(const std::string& sql);
    Result<Statement> prepare(std::string_view sql);
    Result<std::int64_t> query_int(const std::string& sql);
    sqlite3* handle() const { return db_.get(); }

private:
    explicit Database(sqlite3* db) : db_(db) {}
    std::unique_ptr<sqlite3, DbDeleter> db_;
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
