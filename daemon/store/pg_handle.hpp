// The PostgreSQL backend of sql::Connection, over libpq. A connection is used
// by one thread at a time and blocks it; mfad keeps it off the event loop
// (store/store_thread.hpp).
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/sql_connection.hpp"

namespace mfa::daemon::pg {

struct ConnDeleter {
    void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// The one lock every writing transaction of the fleet takes first (see
// Database::begin_write). Its value only has to be mfad's own.
inline constexpr std::int64_t kWriteLock = 0x6d66616477726974;  // "mfadwrit"

// Where to connect: libpq's conninfo (keywords or a URI) and, apart from it,
// the password (a systemd credential's contents; empty: libpq's own ways,
// ~/.pgpass or a client certificate).
struct ConnectTo {
    std::string conninfo;
    std::string password;
};

// A conninfo that libpq cannot parse, or that carries a password (it belongs
// in a credential, not in the config file), is refused with the reason.
Result<void> check_conninfo(const std::string& conninfo);

class Database final : public sql::Connection {
public:
    static Result<std::unique_ptr<Database>> connect(const ConnectTo& to);
    ~Database() override { forget_statements(); }
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Result<void> exec(const std::string& sql) override;
    std::int64_t changes() const override { return changes_; }
    bool in_transaction() const override;
    // BEGIN, then the fleet-wide write lock (kWriteLock): one writer at a
    // time across every host, as SQLite's BEGIN IMMEDIATE is on one host.
    Result<void> begin_write() override;
    // REPEATABLE READ, READ ONLY: one snapshot for every read in it.
    Result<bool> begin_read() override;
    // The server is gone, the connection broke, or the server is in no state
    // to answer (read-only, shutting down, timed out): a new connection is
    // needed. Says why, for the one log line of the outage.
    std::optional<std::string> lost() const;
    bool broken() const { return lost().has_value(); }

    // The cursors' way in: a statement is prepared once, then run by name.
    Result<void> prepare_named(const std::string& name, const std::string& sql, int count, const Oid* types);
    Result<ResultPtr> run(const std::string& name, int count, const char* const* values, const int* lengths,
                          const int* formats);
    std::string next_statement_name() { return "mfa_" + std::to_string(++statements_); }

protected:
    Result<std::unique_ptr<sql::Cursor>> compile(std::string_view sql) override;

private:
    explicit Database(PGconn* conn) : conn_(conn) {}
    Error error_of(const PGresult* result, std::string_view what) const;

    std::unique_ptr<PGconn, ConnDeleter> conn_;
    std::int64_t changes_ = 0;
    std::int64_t statements_ = 0;
    mutable std::string done_;  // why this connection is no use any more
};

}  // namespace mfa::daemon::pg
