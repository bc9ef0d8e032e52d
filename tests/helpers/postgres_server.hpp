// A private PostgreSQL for one test program: initdb'd in a temporary
// directory and run as `nobody` (PostgreSQL refuses root), on a socket in that
// directory and a free loopback port; stopped and removed at the end. No
// system cluster is touched.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace mfa::test {

class PostgresServer {
public:
    struct Options {
        bool fsync = false;  // true for benchmarks: commits as a real server makes them
        bool tls = false;    // ssl on, with a certificate for "localhost" signed by ca_file()
        // Commits wait for the standby made by standby(): nothing accepted is
        // lost when it takes over.
        bool synchronous_standby = false;
    };
    // Throws std::runtime_error with initdb's or pg_ctl's output.
    explicit PostgresServer(Options options);
    PostgresServer() : PostgresServer(Options{}) {}
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // The role mfad connects as: it owns the databases made here.
    static constexpr const char* kRole = "mfad";
    static constexpr const char* kPassword = "mfad-test-password";

    // A new, empty database owned by kRole; the conninfo to reach it over the
    // socket (trusted: no password).
    std::string create_database(const std::string& name);
    // Over TCP on loopback, where the password is required (scram-sha-256).
    std::string tcp_conninfo(const std::string& database) const;
    // As the superuser, for what a test does behind mfad's back.
    std::string admin_conninfo(const std::string& database) const;
    // Runs SQL as the superuser; throws on an error.
    void admin_exec(const std::string& database, const std::string& sql) const;
    // The one number a query as the superuser returns, in database "postgres".
    std::int64_t admin_query(const std::string& sql) const;

    // Over TCP to "localhost" with sslmode=verify-full against ca_file() (Options::tls).
    std::string tls_conninfo(const std::string& database) const;
    std::string ca_file() const { return dir_.file("tls/ca.crt"); }
    // Where libpq finds it: a socket directory and a port, for a host list.
    std::string socket_dir() const { return dir_.file("socket"); }
    int port() const { return port_; }

    // A streaming standby of this server (pg_basebackup -R), started and
    // caught up; with Options::synchronous_standby, commits here wait for it.
    std::unique_ptr<PostgresServer> standby();
    // A standby becomes a primary that takes writes.
    void promote();

    // The server goes away at once (as in a crash), and comes back.
    void stop();
    void start();
    // Every process of the server stops (SIGSTOP) or goes on (SIGCONT): a
    // server that hangs, its sockets still open.
    void freeze();
    void thaw();

private:
    struct StandbyOf {
        const PostgresServer& primary;
    };
    explicit PostgresServer(StandbyOf of);
    void pg_ctl(const std::vector<std::string>& args) const;
    std::string make_data_dir() const;
    void signal_all(int sig) const;
    void make_certificates() const;

    TempDir dir_;
    Options options_;
    int port_ = 0;
    bool running_ = false;
    pid_t owner_ = getpid();  // a forked child that exits must not stop the server
};

}  // namespace mfa::test
