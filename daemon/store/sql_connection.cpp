#include "store/sql_connection.hpp"

#include <utility>

namespace mfa::daemon::sql {

Statement::Statement(Cursor* cursor, std::unique_ptr<Cursor> owned) : cursor_(cursor), owned_(std::move(owned)) {
    cursor_->in_use = true;
}

Statement::Statement(Statement&& other) noexcept
    : cursor_(std::exchange(other.cursor_, nullptr)), owned_(std::move(other.owned_)) {}

Statement::~Statement() {
    if (cursor_ == nullptr) return;
    cursor_->reset();  // also ends the read a SELECT held open
    cursor_->in_use = false;
}

Result<void> Statement::run() {
    auto rc = cursor_->step();
    cursor_->reset();
    if (!rc) return rc.error();
    return {};
}

Result<Statement> Connection::prepare(std::string_view sql) {
    auto found = kept_.find(sql);
    if (found != kept_.end() && !found->second->in_use) return Statement::leased(*found->second);
    auto cursor = compile(sql);
    if (!cursor) return cursor.error();
    if (found != kept_.end()) return Statement::owned(std::move(*cursor));  // the kept one is busy: a one-off
    auto& kept = kept_[std::string(sql)];
    kept = std::move(*cursor);
    return Statement::leased(*kept);
}

Result<std::int64_t> Connection::query_int(std::string_view sql) {
    auto stmt = prepare(sql);
    if (!stmt) return stmt.error();
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return make_error("database: no row for " + std::string(sql));
    return stmt->int64(0);
}

Result<Transaction> Transaction::begin(Connection& db) {
    bool nested = db.in_transaction();
    if (nested) {
        auto savepoint = db.prepare("SAVEPOINT mfa_step");
        if (!savepoint) return savepoint.error();
        if (auto rc = savepoint->run(); !rc) return rc.error();
    } else if (auto rc = db.begin_write(); !rc) {
        return rc.error();
    }
    return Transaction(&db, nested);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)), nested_(other.nested_) {}

Transaction::~Transaction() {
    if (db_ != nullptr) (void)db_->exec(nested_ ? "ROLLBACK TO mfa_step; RELEASE mfa_step" : "ROLLBACK");
}

Result<void> Transaction::commit() {
    auto end = db_->prepare(nested_ ? "RELEASE mfa_step" : "COMMIT");
    if (!end) return end.error();
    if (auto rc = end->run(); !rc) return rc;  // the destructor rolls back
    db_ = nullptr;
    return {};
}

Result<ReadSnapshot> ReadSnapshot::begin(Connection& db) {
    if (db.in_transaction()) return ReadSnapshot(nullptr);
    auto begun = db.begin_read();
    if (!begun) return begun.error();
    return ReadSnapshot(*begun ? &db : nullptr);
}

ReadSnapshot::ReadSnapshot(ReadSnapshot&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

ReadSnapshot::~ReadSnapshot() {
    if (db_ != nullptr) (void)db_->exec("COMMIT");  // read only: nothing to keep or lose
}

}  // namespace mfa::daemon::sql
