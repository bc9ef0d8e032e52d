#include "postgres_server.hpp"

#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "free_port.hpp"
#include "process.hpp"

#ifndef MFA_PG_BINDIR
#error "MFA_PG_BINDIR: where initdb and pg_ctl are"
#endif

namespace mfa::test {
namespace {

constexpr const char* kServerUser = "nobody";

void give_to_server_user(const std::string& path) {
    const passwd* pw = getpwnam(kServerUser);
    if (pw == nullptr || chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("cannot give " + path + " to " + kServerUser);
}

Finished as_server_user(const std::string& program, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"runuser", "-u", kServerUser, "--", std::string(MFA_PG_BINDIR) + "/" + program};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {"LC_ALL=C"});
}

}  // namespace

PostgresServer::PostgresServer(Options options) : options_(options), port_(free_port()) {
    std::string data = make_data_dir();
    auto init = as_server_user("initdb", {"-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                                          "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"});
    if (init.exit_code != 0) throw std::runtime_error("initdb: " + init.out + init.err);
    if (options_.tls) make_certificates();
    start();
    admin_exec("postgres", "CREATE ROLE " + std::string(kRole) + " LOGIN PASSWORD '" + kPassword + "'");
}

// A copy of the primary's cluster that follows its WAL; never itself a
// synchronous primary, so commits do not hang once it is promoted.
PostgresServer::PostgresServer(StandbyOf of) : options_(of.primary.options_), port_(free_port()) {
    options_.synchronous_standby = false;
    std::string data = make_data_dir();
    auto copy = as_server_user("pg_basebackup", {"-D", data, "-R", "-X", "stream", "--checkpoint=fast", "-h",
                                                 of.primary.socket_dir(), "-p", std::to_string(of.primary.port_), "-U",
                                                 "postgres"});
    if (copy.exit_code != 0) throw std::runtime_error("pg_basebackup: " + copy.out + copy.err);
    if (options_.tls) make_certificates();
    start();
}

std::string PostgresServer::make_data_dir() const {
    // The server user walks into the directory; what it writes stays its own.
    chmod(dir_.path().c_str(), 0711);
    std::string data = dir_.file("data");
    mkdir(data.c_str(), 0700);
    give_to_server_user(data);
    std::string socket_dir = dir_.file("socket");
    mkdir(socket_dir.c_str(), 0755);
    give_to_server_user(socket_dir);
    return data;
}

// A CA of this server's own and a certificate for "localhost" only: a client
// that asks for 127.0.0.1 by number must be refused under verify-full.
void PostgresServer::make_certificates() const {
    std::string tls = dir_.file("tls");
    mkdir(tls.c_str(), 0755);
    dir_.write("tls/san.cnf", "subjectAltName=DNS:localhost\n", 0644);
    const std::vector<std::vector<std::string>> steps = {
        {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
         tls + "/ca.key", "-out", tls + "/ca.crt", "-days", "2", "-subj", "/CN=mfad test CA"},
        {"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
         tls + "/server.key", "-out", tls + "/server.csr", "-subj", "/CN=localhost"},
        {"openssl", "x509", "-req", "-in", tls + "/server.csr", "-CA", tls + "/ca.crt", "-CAkey", tls + "/ca.key",
         "-CAcreateserial", "-out", tls + "/server.crt", "-days", "2", "-extfile", tls + "/san.cnf"},
    };
    for (const auto& step : steps) {
        auto done = run(step);
        if (done.exit_code != 0) throw std::runtime_error(step[0] + " " + step[1] + ": " + done.err);
    }
    for (const char* name : {"/ca.crt", "/server.crt"}) chmod((tls + name).c_str(), 0644);
    give_to_server_user(tls + "/server.key");  // PostgreSQL wants its key 0600 and its own
}

PostgresServer::~PostgresServer() {
    if (running_ && getpid() == owner_) {
        try {
            thaw();  // a test that failed while the server was frozen
        } catch (const std::exception&) {
        }
    }
    if (running_ && getpid() == owner_) (void)as_server_user("pg_ctl", {"-D", dir_.file("data"), "-m", "immediate", "-w", "stop"});
}

void PostgresServer::pg_ctl(const std::vector<std::string>& args) const {
    auto done = as_server_user("pg_ctl", args);
    if (done.exit_code != 0)
        throw std::runtime_error("pg_ctl: " + done.out + done.err + read_file(dir_.file("socket/server.log")));
}

void PostgresServer::start() {
    std::string settings = "-k " + dir_.file("socket") + " -p " + std::to_string(port_) +
                           " -c listen_addresses=127.0.0.1 -c max_connections=200";
    // fsync off, but commits still wait for their WAL write: a server killed
    // at once (stop()) keeps every commit it acknowledged, as a real one does.
    if (!options_.fsync) settings += " -c fsync=off -c full_page_writes=off";
    if (options_.tls)
        settings += " -c ssl=on -c ssl_cert_file=" + dir_.file("tls/server.crt") + " -c ssl_key_file=" +
                    dir_.file("tls/server.key");
    pg_ctl({"-D", dir_.file("data"), "-l", dir_.file("socket/server.log"), "-o", settings, "-w", "-t", "60", "start"});
    running_ = true;
}

void PostgresServer::stop() {
    pg_ctl({"-D", dir_.file("data"), "-m", "immediate", "-w", "stop"});
    running_ = false;
}

std::string PostgresServer::admin_conninfo(const std::string& database) const {
    return "host=" + dir_.file("socket") + " port=" + std::to_string(port_) + " user=postgres dbname=" + database;
}

std::string PostgresServer::tls_conninfo(const std::string& database) const {
    return "host=localhost hostaddr=127.0.0.1 port=" + std::to_string(port_) + " user=" + kRole + " dbname=" + database +
           " sslmode=verify-full sslrootcert=" + ca_file();
}

std::string PostgresServer::tcp_conninfo(const std::string& database) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + kRole + " dbname=" + database + " sslmode=disable";
}

void PostgresServer::admin_exec(const std::string& database, const std::string& sql) const {
    std::unique_ptr<PGconn, void (*)(PGconn*)> conn(PQconnectdb(admin_conninfo(database).c_str()), PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn.get()));
    std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQexec(conn.get(), sql.c_str()), PQclear);
    auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw std::runtime_error(sql + ": " + PQerrorMessage(conn.get()));
}

std::int64_t PostgresServer::admin_query(const std::string& sql) const {
    std::unique_ptr<PGconn, void (*)(PGconn*)> conn(PQconnectdb(admin_conninfo("postgres").c_str()), PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn.get()));
    std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQexec(conn.get(), sql.c_str()), PQclear);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) != 1)
        throw std::runtime_error(sql + ": " + PQerrorMessage(conn.get()));
    return std::stoll(PQgetvalue(result.get(), 0, 0));
}

std::unique_ptr<PostgresServer> PostgresServer::standby() {
    std::unique_ptr<PostgresServer> copy(new PostgresServer(StandbyOf{*this}));
    if (options_.synchronous_standby) {
        admin_exec("postgres", "ALTER SYSTEM SET synchronous_standby_names = '*'");
        admin_exec("postgres", "SELECT pg_reload_conf()");
    }
    // Streaming, and synchronous when asked: a readiness wait, not a timing assertion.
    std::string ready = options_.synchronous_standby
                            ? "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'"
                            : "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (admin_query(ready) == 0) {
        if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the standby did not catch up");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return copy;
}

// The postmaster (postmaster.pid's first line) and its children.
void PostgresServer::signal_all(int sig) const {
    pid_t postmaster = std::stoi(read_file(dir_.file("data/postmaster.pid")));
    kill(postmaster, sig);
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string stat = read_file(entry.path().string() + "/stat");
        auto after_name = stat.rfind(')');
        if (after_name == std::string::npos) continue;
        std::istringstream fields(stat.substr(after_name + 2));
        std::string state;
        pid_t parent = 0;
        fields >> state >> parent;
        if (parent == postmaster) kill(std::stoi(name), sig);
    }
}

void PostgresServer::freeze() { signal_all(SIGSTOP); }
void PostgresServer::thaw() { signal_all(SIGCONT); }

void PostgresServer::promote() { pg_ctl({"-D", dir_.file("data"), "-w", "-t", "60", "promote"}); }

std::string PostgresServer::create_database(const std::string& name) {
    admin_exec("postgres", "CREATE DATABASE " + name + " OWNER " + kRole);
    return "host=" + dir_.file("socket") + " port=" + std::to_string(port_) + " user=" + kRole + " dbname=" + name;
}

}  // namespace mfa::test
