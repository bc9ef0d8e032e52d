#include "store_backends.hpp"

#include <stdexcept>

#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"

namespace mfa::test {
namespace {

template <class T>
T checked(Result<T> result) {
    if (!result) throw std::runtime_error(result.error().message);
    return std::move(*result);
}

class SqliteBackend final : public StoreBackend {
public:
    const char* name() const override { return "sqlite"; }
    void fresh(const std::string& label) override { path_ = dir_.file(label + ".db"); }
    std::unique_ptr<daemon::Store> open(const daemon::KeyRing& keys) override {
        return checked(daemon::SqliteStore::open(path_, daemon::Durability::full, keys));
    }
    std::unique_ptr<daemon::sql::Connection> side_door() override {
        return std::make_unique<daemon::sqlite::Database>(checked(daemon::sqlite::Database::open(path_)));
    }
    int bulk_rows() const override { return 20000; }

private:
    TempDir dir_;
    std::string path_;
};

class PostgresBackend final : public StoreBackend {
public:
    explicit PostgresBackend(PostgresServer& server) : server_(server) {}
    const char* name() const override { return "postgresql"; }
    void fresh(const std::string& label) override {
        conninfo_ = server_.create_database(label + "_" + std::to_string(++databases_));
    }
    std::unique_ptr<daemon::Store> open(const daemon::KeyRing& keys) override {
        return checked(daemon::PgStore::open({conninfo_, ""}, keys));
    }
    std::unique_ptr<daemon::sql::Connection> side_door() override {
        return checked(daemon::pg::Database::connect({conninfo_, ""}));
    }
    int bulk_rows() const override { return 5000; }

private:
    PostgresServer& server_;
    std::string conninfo_;
    int databases_ = 0;
};

}  // namespace

std::unique_ptr<StoreBackend> sqlite_backend() { return std::make_unique<SqliteBackend>(); }
std::unique_ptr<StoreBackend> postgresql_backend(PostgresServer& server) { return std::make_unique<PostgresBackend>(server); }

}  // namespace mfa::test
