// A private PostgreSQL for one test program: initdb'd in a temporary
// directory and run as `nobody` (PostgreSQL refuses root), on a socket in that
// directory and a free loopback port; stopped and removed at the end. No
// system cluster is touched.
#pragma once

#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace mfa::test {

class PostgresServer {
public:
    struct Options {
        bool fsync = false;  // true for benchmarks: commits as a real server makes them
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

    // The server goes away at once (as in a crash), and comes back.
    void stop();
    void start();

private:
    void pg_ctl(const std::vector<std::string>& args) const;

    TempDir dir_;
    Options options_;
    int port_ = 0;
    bool running_ = false;
};

}  // namespace mfa::test
