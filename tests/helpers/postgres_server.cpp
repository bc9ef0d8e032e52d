#include "postgres_server.hpp"

#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>

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
    // The server user walks into the directory; what it writes stays its own.
    chmod(dir_.path().c_str(), 0711);
    std::string data = dir_.file("data");
    mkdir(data.c_str(), 0700);
    give_to_server_user(data);
    std::string socket_dir = dir_.file("socket");
    mkdir(socket_dir.c_str(), 0755);
    give_to_server_user(socket_dir);
    auto init = as_server_user("initdb", {"-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                                          "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"});
    if (init.exit_code != 0) throw std::runtime_error("initdb: " + init.out + init.err);
    start();
    admin_exec("postgres", "CREATE ROLE " + std::string(kRole) + " LOGIN PASSWORD '" + kPassword + "'");
}

PostgresServer::~PostgresServer() {
    if (running_) (void)as_server_user("pg_ctl", {"-D", dir_.file("data"), "-m", "immediate", "-w", "stop"});
}

void PostgresServer::pg_ctl(const std::vector<std::string>& args) const {
    auto done = as_server_user("pg_ctl", args);
    if (done.exit_code != 0)
        throw std::runtime_error("pg_ctl: " + done.out + done.err + read_file(dir_.file("socket/server.log")));
}

void PostgresServer::start() {
    std::string settings = "-k " + dir_.file("socket") + " -p " + std::to_string(port_) +
                           " -c listen_addresses=127.0.0.1 -c max_connections=200";
    if (!options_.fsync) settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
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

std::string PostgresServer::create_database(const std::string& name) {
    admin_exec("postgres", "CREATE DATABASE " + name + " OWNER " + kRole);
    return "host=" + dir_.file("socket") + " port=" + std::to_string(port_) + " user=" + kRole + " dbname=" + name;
}

}  // namespace mfa::test
