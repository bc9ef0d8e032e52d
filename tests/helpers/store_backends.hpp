// The store's test suite runs on each backend: a fresh database per test, a
// store opened on it, and a side door for what someone with access to the
// database does behind mfad's back.
#pragma once

#include <memory>
#include <string>

#include "crypto/key_ring.hpp"
#include "postgres_server.hpp"
#include "store/sql_connection.hpp"
#include "store/store.hpp"

namespace mfa::test {

class StoreBackend {
public:
    virtual ~StoreBackend() = default;
    virtual const char* name() const = 0;
    // A new, empty database; open() and side_door() reach it from now on.
    virtual void fresh(const std::string& label) = 0;
    virtual std::unique_ptr<daemon::Store> open(const daemon::KeyRing& keys) = 0;
    virtual std::unique_ptr<daemon::sql::Connection> side_door() = 0;
    // How many rows a bulk test appends: PostgreSQL pays a round trip per statement.
    virtual int bulk_rows() const = 0;
};

std::unique_ptr<StoreBackend> sqlite_backend();
std::unique_ptr<StoreBackend> postgresql_backend(PostgresServer& server);

}  // namespace mfa::test
