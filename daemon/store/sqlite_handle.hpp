// The SQLite backend of sql::Connection: RAII over sqlite3 and sqlite3_stmt.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "store/sql_connection.hpp"

namespace mfa::daemon::sqlite {

struct DbDeleter {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

// "database: disk full" rather than SQLite's terse code names.
Error error_from(sqlite3* db, int rc, std::string_view what);

class Database final : public sql::Connection {
public:
    // Opens without following a symlink in the last component; creates the file
    // if missing. No connection mutex: each connection stays on one thread.
    static Result<Database> open(const std::string& path);
    ~Database() override { forget_statements(); }
    Database(Database&&) = default;
    Database& operator=(Database&&) = default;

    Result<void> exec(const std::string& sql) override;
    std::int64_t changes() const override { return sqlite3_changes(db_.get()); }
    bool in_transaction() const override { return sqlite3_get_autocommit(db_.get()) == 0; }
    // BEGIN IMMEDIATE: the write lock is taken now, so what the transaction
    // reads is what it writes over.
    Result<void> begin_write() override;
    Result<bool> begin_read() override { return false; }
    sqlite3* handle() const { return db_.get(); }

protected:
    Result<std::unique_ptr<sql::Cursor>> compile(std::string_view sql) override;

private:
    explicit Database(sqlite3* db) : db_(db) {}
    std::unique_ptr<sqlite3, DbDeleter> db_;
};

}  // namespace mfa::daemon::sqlite
