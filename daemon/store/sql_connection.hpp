// What the store's logic needs of a database, so one body of SQL and one set
// of decisions runs on SQLite (the embedded default) and PostgreSQL (a
// fleet). The SQL both understand: ?N parameters, ON CONFLICT, RETURNING,
// count(*) FILTER; "user" quoted. Errors are values.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::daemon::sql {

// One backend's prepared statement. A connection keeps it for its SQL text
// and lends it to one Statement at a time.
class Cursor {
public:
    virtual ~Cursor() = default;
    virtual void bind(int index, std::int64_t value) = 0;
    virtual void bind(int index, std::string_view text) = 0;
    virtual void bind(int index, std::span<const std::uint8_t> blob) = 0;
    // true: a row is ready; false: done. The first step runs the statement.
    virtual Result<bool> step() = 0;
    virtual void reset() = 0;  // back to before the first step, bindings cleared
    virtual std::int64_t int64(int column) const = 0;
    virtual bool is_null(int column) const = 0;
    virtual std::string text(int column) const = 0;
    virtual std::vector<std::uint8_t> blob(int column) const = 0;

    bool in_use = false;
};

class Statement {
public:
    static Statement leased(Cursor& kept) { return Statement(&kept, nullptr); }
    static Statement owned(std::unique_ptr<Cursor> one_off) {
        Cursor* cursor = one_off.get();  // before the move: argument order is unspecified
        return Statement(cursor, std::move(one_off));
    }
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;

    Statement& bind(int index, std::int64_t value) { cursor_->bind(index, value); return *this; }
    Statement& bind(int index, std::string_view text) { cursor_->bind(index, text); return *this; }
    Statement& bind(int index, std::span<const std::uint8_t> blob) { cursor_->bind(index, blob); return *this; }
    Result<bool> step() { return cursor_->step(); }
    Result<void> run();  // a statement whose rows, if any, nobody reads
    void reset() { cursor_->reset(); }

    std::int64_t int64(int column) const { return cursor_->int64(column); }
    bool is_null(int column) const { return cursor_->is_null(column); }
    std::string text(int column) const { return cursor_->text(column); }
    std::vector<std::uint8_t> blob(int column) const { return cursor_->blob(column); }

private:
    Statement(Cursor* cursor, std::unique_ptr<Cursor> owned);
    Cursor* cursor_;
    std::unique_ptr<Cursor> owned_;
};

class Connection {
public:
    virtual ~Connection() = default;
    Connection() = default;
    Connection(Connection&&) = default;
    Connection& operator=(Connection&&) = default;

    // Statements without parameters, rows read or none.
    virtual Result<void> exec(const std::string& sql) = 0;
    // Rows the last statement changed.
    virtual std::int64_t changes() const = 0;
    virtual bool in_transaction() const = 0;
    // Starts a transaction that no other writer runs beside: every decision
    // mfad makes reads and writes as if it were the only writer.
    virtual Result<void> begin_write() = 0;
    // Starts a read-only transaction when this backend needs one for several
    // reads to see one state (another host may write between them); false:
    // none was needed (one SQLite connection whose writes are its own).
    virtual Result<bool> begin_read() = 0;

    // `sql` is a constant of the code: it is prepared once and kept for this
    // connection, since preparing costs more than running on the login path.
    Result<Statement> prepare(std::string_view sql);
    Result<std::int64_t> query_int(std::string_view sql);

protected:
    virtual Result<std::unique_ptr<Cursor>> compile(std::string_view sql) = 0;
    // Backends call this before closing: the kept statements go first.
    void forget_statements() { kept_.clear(); }

private:
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, std::unique_ptr<Cursor>, TextHash, std::equal_to<>> kept_;
};

// A write transaction (Connection::begin_write), or a SAVEPOINT inside an
// open one (a group commit); rolled back unless commit() succeeded.
class Transaction {
public:
    static Result<Transaction> begin(Connection& db);
    ~Transaction();
    Transaction(Transaction&& other) noexcept;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction& operator=(Transaction&&) = delete;

    Result<void> commit();

private:
    Transaction(Connection* db, bool nested) : db_(db), nested_(nested) {}
    Connection* db_;
    bool nested_;
};

// Several reads that must agree (a user and their factors; the audit rows and
// their sealed head), inside the caller's transaction if there is one.
class ReadSnapshot {
public:
    static Result<ReadSnapshot> begin(Connection& db);
    ~ReadSnapshot();
    ReadSnapshot(ReadSnapshot&& other) noexcept;
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(ReadSnapshot&&) = delete;

private:
    explicit ReadSnapshot(Connection* db) : db_(db) {}
    Connection* db_;  // null: nothing to end
};

}  // namespace mfa::daemon::sql
