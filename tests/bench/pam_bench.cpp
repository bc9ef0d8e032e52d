// mfa_pam_bench: PAM logins per second and latency through real libpam, for
// pam_permit (the floor), pam_google_authenticator, pam_oath and pam_mfa.so
// (durability full and normal, and on a local PostgreSQL), at several process counts; then the cost of
// refusing a wrong code. Prints a Markdown table and JSON; exits 1 if a row
// failed alone, or pam_mfa failed at any concurrency. Needs root (google-authenticator writes root-owned
// secret files) and runs itself under pam_wrapper and nss_wrapper.
#include <CLI/CLI.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <numeric>
#include <optional>

#include "bench_postgres.hpp"
#include "bench_report.hpp"
#include "bench_run.hpp"
#include "bulk_seed.hpp"
#include "proc_stats.hpp"
#include "syslog_sink.hpp"
#include "daemon_fixture.hpp"
#include "postgres_server.hpp"
#include "temp_dir.hpp"

using namespace mfa;
using namespace mfa::bench;

namespace {

struct Module {
    std::string name;
    std::string service;
    std::string durability;  // empty: not mfad
    bool postgresql = false;  // mfad's store on the local PostgreSQL (durability is the server's)
};

constexpr const char* kPostgresqlRow = "pam_mfa (store: postgresql)";

const std::vector<Module> kModules = {
    {"pam_permit", "bench-permit", ""},
    {"pam_google_authenticator", "bench-ga", ""},
    {"pam_oath", "bench-oath", ""},
    {"pam_mfa (durability: full)", "bench-mfa", "full"},
    {"pam_mfa (durability: normal)", "bench-mfa", "normal"},
    {kPostgresqlRow, "bench-mfa", "full", true},
};

// The environment under which this program runs itself again: the wrappers
// preloaded, so libpam reads our private service files and the modules find
// the bench users. Set before fork, so the child only has to exec.
void set_wrapper_environment(const std::string& dir) {
    setenv("PAM_WRAPPER", "1", 1);
    setenv("PAM_WRAPPER_SERVICE_DIR", (dir + "/services").c_str(), 1);
    setenv("NSS_WRAPPER_PASSWD", (dir + "/passwd").c_str(), 1);
    setenv("NSS_WRAPPER_GROUP", (dir + "/group").c_str(), 1);
    setenv("MFA_BENCH_DIR", dir.c_str(), 1);
    setenv("LD_PRELOAD", MFA_BENCH_PRELOAD, 1);
}

struct Options {
    int users = 2000;
    int wrong = 200;
    std::vector<int> levels = {1, 2, 8};
    std::string json_file;
    std::string only;  // run only the rows whose module name contains this
    bool with_postgresql = true;
    std::string postgresql;  // the server's "host=... port=...", set by the parent
};

bool wants_postgresql(const Options& options) {
    return options.with_postgresql && std::string(kPostgresqlRow).find(options.only) != std::string::npos;
}

std::vector<std::string> user_names(const std::vector<BenchUser>& users) {
    std::vector<std::string> names;
    for (const auto& u : users) names.push_back(u.name);
    return names;
}

int run_bench(const Options& options, const std::string& dir) {
    auto users = make_users(dir, options.users);
    if (!users) {
        std::cerr << users.error().message << "\n";
        return 1;
    }
    std::vector<BenchUser> wrong_users(users->begin(), users->begin() + std::min<long>(options.wrong, options.users));
    std::string socket = dir + "/mfad.sock";

    std::vector<Figures> rows;
    std::vector<RejectFigures> rejects;
    for (const auto& module : kModules) {
        if (module.name.find(options.only) == std::string::npos) continue;
        if (module.postgresql && !wants_postgresql(options)) continue;
        for (int processes : options.levels) {
            if (auto rc = reset_peer_state(dir); !rc) {
                std::cerr << rc.error().message << "\n";
                return 1;
            }
            std::unique_ptr<test::DaemonFixture> mfad;
            if (!module.durability.empty()) {
                auto conninfo = module.postgresql ? fresh_database(options.postgresql, "pam_bench_" + std::to_string(processes))
                                                  : Result<std::string>(std::string());
                if (!conninfo) {
                    std::cerr << "PostgreSQL: " << conninfo.error().message << "\n";
                    return 1;
                }
                std::string yaml = module.postgresql ? postgresql_yaml(*conninfo) : "durability: " + module.durability + "\n";
                mfad = std::make_unique<test::DaemonFixture>(
                    test::DaemonOptions{.extra_yaml = yaml, .config_socket = socket, .users = user_names(*users)});
                std::string seed = mfad->dir().file("state/mfad.db");
                auto seeded = bulk_enroll(
                    seed, mfad->dir().file("mfad.key"), users->size(), [&](std::size_t i) { return (*users)[i].name; },
                    [&](std::size_t i) { return std::span<const std::uint8_t>((*users)[i].secret); });
                if (seeded && module.postgresql) seeded = copy_to_postgresql(seed, mfad->dir().file("mfad.key"), *conninfo);
                if (!seeded || !mfad->start()) {
                    std::cerr << "mfad: " << (seeded ? mfad->log() : seeded.error().message) << "\n";
                    return 1;
                }
            }
            double cpu_before = mfad ? cpu_ms(mfad->child().pid()) : 0;
            auto run = run_logins(module.service, *users, processes, true);
            Figures f{module.name, processes, options.users, run.succeeded, options.users - run.succeeded,
                      run.wall_seconds > 0 ? run.succeeded / run.wall_seconds : 0, percentile(run.latencies_ms, 50),
                      percentile(run.latencies_ms, 99)};
            if (mfad) {
                f.daemon_cpu_ms_per_login = (cpu_ms(mfad->child().pid()) - cpu_before) / std::max(1, run.attempts);
                f.daemon_peak_rss_kib = peak_rss_kib(mfad->child().pid());
            }
            rows.push_back(f);
            std::cerr << module.name << " x" << processes << ": " << f.logins_per_second << " logins/s\n";
            if (processes == 1 && module.name != "pam_permit") {  // the floor accepts anything
                auto wrong = run_logins(module.service, wrong_users, 1, false);
                double sum = std::accumulate(wrong.latencies_ms.begin(), wrong.latencies_ms.end(), 0.0);
                rejects.push_back({module.name, percentile(wrong.latencies_ms, 50),
                                   wrong.attempts > 0 ? sum / wrong.attempts : 0, wrong.succeeded});
            }
        }
    }
    std::cout << markdown(rows, rejects) << "\n" << json(rows, rejects).dump(2) << "\n";
    if (!options.json_file.empty()) std::ofstream(options.json_file) << json(rows, rejects).dump(2) << "\n";
    // Every row must complete cleanly alone; under concurrency a peer's failures
    // are a finding to report (pam_oath's usersfile locking), ours are a bug.
    bool clean = std::all_of(rows.begin(), rows.end(), [](const Figures& f) {
                     return f.spurious == 0 || (f.processes > 1 && f.module.rfind("pam_mfa", 0) != 0);
                 }) &&
                 std::all_of(rejects.begin(), rejects.end(), [](const RejectFigures& r) { return r.wrongly_accepted == 0; });
    if (!clean) std::cerr << "mfa_pam_bench: spurious failures or accepted wrong codes (see the table)\n";
    return clean ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"PAM logins/s and latency: pam_permit, pam_google_authenticator, pam_oath, pam_mfa", "mfa_pam_bench"};
    Options options;
    app.add_option("--users", options.users, "users, each logging in once per run")->check(CLI::Range(1, 1000000))->capture_default_str();
    app.add_option("--wrong", options.wrong, "wrong-code logins per module")->check(CLI::Range(1, 1000000))->capture_default_str();
    app.add_option("--processes", options.levels, "concurrent processes, one run each")->delimiter(',')->capture_default_str();
    app.add_option("--json", options.json_file, "also write the JSON here");
    app.add_option("--only", options.only, "only the rows whose module name contains this (e.g. pam_mfa)");
    app.add_flag("!--no-postgresql", options.with_postgresql, "no PostgreSQL row (it starts a local server)");
    CLI11_PARSE(app, argc, argv);

    if (const char* dir = getenv("MFA_BENCH_DIR")) {
        if (const char* where = getenv("MFA_BENCH_POSTGRESQL")) options.postgresql = where;
        if (wants_postgresql(options) && options.postgresql.empty()) {
            std::cerr << "mfa_pam_bench: MFA_BENCH_POSTGRESQL is not set\n";
            return 1;
        }
        return run_bench(options, dir);
    }
    if (geteuid() != 0) {
        std::cerr << "mfa_pam_bench: run as root (google-authenticator's secret files are root's)\n";
        return 2;
    }
    test::TempDir dir;
    chmod(dir.path().c_str(), 0755);
    // pam_wrapper copies the service files when it loads: they must exist first.
    if (auto rc = write_services(dir.path(), PAM_MFA_PATH, dir.file("mfad.sock")); !rc) return 1;
    // Started here, before the wrappers: the server runs as a real user.
    std::optional<test::PostgresServer> postgresql;
    if (wants_postgresql(options)) {
        try {
            postgresql.emplace(test::PostgresServer::Options{.fsync = true});
        } catch (const std::exception& e) {
            std::cerr << "mfa_pam_bench: " << e.what() << "\n";
            return 1;
        }
        setenv("MFA_BENCH_POSTGRESQL",
               ("host=" + postgresql->socket_dir() + " port=" + std::to_string(postgresql->port())).c_str(), 1);
    }
    SyslogSink sink;
    if (sink.active()) std::cerr << "mfa_pam_bench: no syslog daemon here; /dev/log is a sink for this run\n";
    set_wrapper_environment(dir.path());
    pid_t pid = fork();
    if (pid == 0) {
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
