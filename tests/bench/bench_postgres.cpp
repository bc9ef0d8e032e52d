#include "bench_postgres.hpp"

#include <chrono>
#include <filesystem>

#include "crypto/key_ring.hpp"
#include "server/store_access.hpp"
#include "store/pg_handle.hpp"
#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"

namespace mfa::bench {
namespace {

using Clock = std::chrono::steady_clock;

Result<daemon::KeyRing> keys_from(const std::string& key_file) {
    auto loaded = daemon::MasterKey::load(key_file);
    if (!loaded) return loaded.error();
    return daemon::KeyRing(std::move(*loaded));
}

double micros_per_call(Clock::duration took, int calls) {
    return std::chrono::duration<double, std::micro>(took).count() / calls;
}

}  // namespace

Result<std::string> fresh_database(const std::string& host_and_port, const std::string& name) {
    auto admin = daemon::pg::Database::connect({host_and_port + " user=postgres dbname=postgres", ""});
    if (!admin) return admin.error();
    if (auto rc = (*admin)->exec("CREATE DATABASE " + name + " OWNER mfad"); !rc) return rc.error();
    return host_and_port + " user=mfad dbname=" + name;
}

Result<void> copy_to_postgresql(const std::string& sqlite_path, const std::string& key_file, const std::string& conninfo) {
    auto keys = keys_from(key_file);
    if (!keys) return keys.error();
    std::string source = sqlite_path + ".to-postgresql";
    std::error_code ec;
    std::filesystem::copy_file(sqlite_path, source, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) return make_error("copy " + sqlite_path + ": " + ec.message());
    auto from = daemon::SqliteStore::open(source, daemon::Durability::normal, *keys);
    if (!from) return from.error();
    auto to = daemon::PgStore::open({conninfo, ""}, *keys);
    if (!to) return to.error();
    daemon::AuditEntry arrival{"store_migrate", "", "arrived", "", "", 0, "from=sqlite host=bench"};
    daemon::AuditEntry leaving{"store_migrate", "", "ok", "", "", 0, "to=postgresql"};
    auto committed = daemon::SqlStore::TargetCommit::no;
    auto copied = (*from)->copy_into(**to, true, arrival, leaving, 1, committed);
    std::filesystem::remove(source, ec);
    if (!copied) return copied.error();
    return {};
}

std::string postgresql_yaml(const std::string& conninfo) {
    return "store:\n  backend: postgresql\n  postgresql:\n    conninfo: \"" + conninfo + "\"\n";
}

Result<HandOff> measure_handoff(const std::string& conninfo, const std::string& key_file, int calls) {
    auto keys = keys_from(key_file);
    if (!keys) return keys.error();
    auto first = daemon::PgStore::open({conninfo, ""}, *keys);
    if (!first) return first.error();
    daemon::StoreAccess access(std::move(*first), [] { return Result<std::unique_ptr<daemon::Store>>(make_error("lost")); });
    HandOff out{calls};
    std::optional<Error> failed;
    daemon::asio::io_context io;
    auto timed = [&]() -> daemon::Awaitable<void> {
        for (bool select : {false, true}) {
            auto started = Clock::now();
            for (int i = 0; i < calls && !failed; ++i) {
                std::function<Result<void>(daemon::Store&)> job = [select](daemon::Store& store) {
                    return select ? store.probe() : Result<void>{};
                };
                auto rc = co_await access.run(job);
                if (!rc) failed = rc.error();
            }
            (select ? out.select_us : out.empty_job_us) = micros_per_call(Clock::now() - started, calls);
        }
    };
    daemon::asio::co_spawn(io, timed, daemon::asio::detached);
    io.run();
    if (failed) return *failed;
    return out;
}

}  // namespace mfa::bench
