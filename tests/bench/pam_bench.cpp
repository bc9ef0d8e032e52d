// mfa_pam_bench: PAM logins per second and latency through real libpam, for
// pam_permit (the floor), the floor plus two round trips to mfad,
// pam_google_authenticator (reuse refused, and allowed), pam_oath and
// pam_mfa.so (durability full and normal, and on a local PostgreSQL), at
// several process counts, in several interleaved runs; then the cost of
// refusing a wrong code and of loading each module. Prints a Markdown table
// and JSON; exits 1 if a row failed alone, or pam_mfa failed at any
// concurrency. Needs root: the users are real accounts for the run
// (system_users.hpp), and google-authenticator writes root-owned secret files.
// It runs itself again under pam_wrapper.
#include <CLI/CLI.hpp>
#include <dlfcn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <numeric>
#include <optional>

#include "auth/authority.hpp"
#include "bench_postgres.hpp"
#include "bench_report.hpp"
#include "bench_run.hpp"
#include "bulk_seed.hpp"
#include "proc_stats.hpp"
#include "syslog_sink.hpp"
#include "system_users.hpp"
#include "daemon_fixture.hpp"
#include "postgres_server.hpp"
#include "temp_dir.hpp"

using namespace mfa;
using namespace mfa::bench;

namespace {

struct Module {
    std::string name;
    std::string service;
    std::string guarantees;
    std::string durability;   // empty: no mfad
    bool postgresql = false;  // mfad's store on the local PostgreSQL (durability is the server's)
    bool floor = false;       // pam_permit, then a connection and two PINGs to mfad
};

constexpr const char* kPostgresqlRow = "pam_mfa (store: postgresql)";
constexpr const char* kFloorRow = "floor: pam_permit + 2 x PING to mfad";
constexpr const char* kGaRow = "pam_google_authenticator -d";
constexpr const char* kGaReuseRow = "pam_google_authenticator -D";
constexpr const char* kFullRow = "pam_mfa (durability: full)";
constexpr const char* kNormalRow = "pam_mfa (durability: normal)";

const std::vector<Module> kModules = {
    {"pam_permit", "bench-permit", "none: libpam and a module that says yes", ""},
    {kFloorRow, "bench-permit", "none: what any module asking a daemon pays (a connection, 2 round trips)", "normal", false, true},
    {kGaRow, "bench-ga", "replay refused: its file rewritten and fsynced at each login; no lockout, no audit", ""},
    {kGaReuseRow, "bench-ga-reuse", "replay allowed: its file only read", ""},
    {"pam_oath", "bench-oath", "replay refused: its usersfile rewritten, not fsynced; fails under concurrency", ""},
    {kFullRow, "bench-mfa", "replay refused, lockout, audit chain; the commit on disk (fdatasync) before the answer", "full"},
    {kNormalRow, "bench-mfa", "the same, but a power cut can lose the last commits (a crash of mfad cannot)", "normal"},
    {kPostgresqlRow, "bench-mfa", "as full, on a local PostgreSQL (one connection, fsync on)", "full", true},
};

// The environment under which this program runs itself again: pam_wrapper
// preloaded, so libpam reads our private service files. Set before fork, so
// the child only has to exec.
void set_wrapper_environment(const std::string& dir) {
    setenv("PAM_WRAPPER", "1", 1);
    setenv("PAM_WRAPPER_SERVICE_DIR", (dir + "/services").c_str(), 1);
    setenv("MFA_BENCH_DIR", dir.c_str(), 1);
    setenv("LD_PRELOAD", MFA_BENCH_PRELOAD, 1);
}

struct Options {
    int users = 2000;
    int wrong = 200;
    int runs = 3;
    std::vector<int> levels = {1, 2, 8};
    std::string json_file;
    std::string only;  // run only the rows whose module name contains this
    bool with_postgresql = true;
    std::string postgresql;  // the server's "host=... port=...", set by the parent
};

bool wants_postgresql(const Options& options) {
    return options.with_postgresql && std::string(kPostgresqlRow).find(options.only) != std::string::npos;
}

// libpam dlopens each module at pam_start and closes it at pam_end (this
// process has libpam and libstdc++ loaded already, as sshd has libpam).
// mfad resolves each login's user (getpwnam); google-authenticator with
// user=root resolves only root, the first line of /etc/passwd.
std::vector<UnitCost> unit_costs(const std::vector<BenchUser>& users) {
    using Micro = std::chrono::duration<double, std::micro>;
    const std::string dir = "/" MFA_PAM_SYSTEM_MODULE_DIR "/";
    std::vector<UnitCost> out;
    for (const std::string& path : {dir + "pam_permit.so", dir + "pam_google_authenticator.so", dir + "pam_oath.so",
                                    std::string(PAM_MFA_PATH)}) {
        constexpr int kLoads = 2000;
        auto start = std::chrono::steady_clock::now();
        bool loaded = true;
        for (int i = 0; i < kLoads && loaded; ++i) {
            void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
            loaded = handle != nullptr;
            if (loaded) dlclose(handle);
        }
        Micro took = std::chrono::steady_clock::now() - start;
        if (loaded) out.push_back({"dlopen + dlclose " + path.substr(path.rfind('/') + 1), took.count() / kLoads});
    }
    // mfad's own lookup, as BEGIN makes it.
    auto lookup = [](const std::string& name) {
        auto found = daemon::lookup_user(name);
        return found && found->has_value();
    };
    auto start = std::chrono::steady_clock::now();
    std::size_t found = 0;
    for (const auto& u : users) found += lookup(u.name);
    Micro took = std::chrono::steady_clock::now() - start;
    if (found == users.size())
        out.push_back({"getpwnam of a bench user, mean (/etc/passwd with " + std::to_string(users.size()) + " of them)",
                       took.count() / static_cast<double>(users.size())});
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) lookup("root");
    out.push_back({"getpwnam of root", Micro(std::chrono::steady_clock::now() - start).count() / 1000});
    return out;
}

std::vector<Target> targets(const std::vector<Figures>& rows, const std::vector<int>& levels) {
    std::vector<Target> out;
    auto has = [&](const std::string& module) {
        return std::any_of(rows.begin(), rows.end(), [&](const Figures& f) { return f.module == module; });
    };
    auto ratio = [&](const std::string& a, const std::string& b, int processes) {
        return ratio_of(logins_per_second(rows, a, processes), logins_per_second(rows, b, processes));
    };
    if (has(kFullRow) && has(kGaRow))
        for (int p : levels)
            out.push_back({"durability full >= 1.5x google-authenticator -d, " + std::to_string(p) + " process" +
                               (p == 1 ? "" : "es"),
                           ratio(kFullRow, kGaRow, p), 1.5, "x"});
    if (has(kNormalRow) && has(kGaReuseRow))
        out.push_back({"durability normal >= 1.0x google-authenticator -D, 1 process", ratio(kNormalRow, kGaReuseRow, 1), 1.0, "x"});
    if (has(kNormalRow) && has(kFloorRow))
        out.push_back({"durability normal >= 70 % of the floor (pam_permit + 2 x PING), 1 process",
                       ratio(kNormalRow, kFloorRow, 1), 0.7, "%"});
    return out;
}

// One row of one run: mfad started afresh for it when the row needs one.
// At one process, also the cost of refusing a wrong code (while mfad runs).
std::optional<Figures> run_row(const Options& options, const std::string& dir, const Module& module, int run,
                               int processes, const std::vector<BenchUser>& users, const std::vector<BenchUser>& wrong_users,
                               std::vector<RejectFigures>& rejects) {
    std::string socket = dir + "/mfad.sock";
    if (auto rc = reset_peer_state(dir); !rc) {
        std::cerr << rc.error().message << "\n";
        return std::nullopt;
    }
    std::unique_ptr<test::DaemonFixture> mfad;
    if (!module.durability.empty()) {
        auto conninfo = module.postgresql
                            ? fresh_database(options.postgresql, "pam_bench_" + std::to_string(run) + "_" + std::to_string(processes))
                            : Result<std::string>(std::string());
        if (!conninfo) {
            std::cerr << "PostgreSQL: " << conninfo.error().message << "\n";
            return std::nullopt;
        }
        std::string yaml = module.postgresql ? postgresql_yaml(*conninfo) : "durability: " + module.durability + "\n";
        mfad = std::make_unique<test::DaemonFixture>(
            test::DaemonOptions{.extra_yaml = yaml, .config_socket = socket, .system_nss = true});
        std::string seed = mfad->dir().file("state/mfad.db");
        Result<void> seeded;
        if (!module.floor)
            seeded = bulk_enroll(
                seed, mfad->dir().file("mfad.key"), users.size(), [&](std::size_t i) { return users[i].name; },
                [&](std::size_t i) { return std::span<const std::uint8_t>(users[i].secret); });
        if (seeded && module.postgresql) seeded = copy_to_postgresql(seed, mfad->dir().file("mfad.key"), *conninfo);
        if (!seeded || !mfad->start()) {
            std::cerr << "mfad: " << (seeded ? mfad->log() : seeded.error().message) << "\n";
            return std::nullopt;
        }
    }
    double cpu_before = mfad ? cpu_ms(mfad->child().pid()) : 0;
    auto result = run_logins(module.service, users, processes, true, module.floor ? socket : "");
    Figures f{module.name, module.guarantees, run, processes, options.users, result.succeeded,
              options.users - result.succeeded, result.wall_seconds > 0 ? result.succeeded / result.wall_seconds : 0,
              percentile(result.latencies_ms, 50), percentile(result.latencies_ms, 99)};
    if (mfad && !module.floor) {
        f.daemon_cpu_ms_per_login = (cpu_ms(mfad->child().pid()) - cpu_before) / std::max(1, result.attempts);
        f.daemon_peak_rss_kib = peak_rss_kib(mfad->child().pid());
    }
    // The floor accepts anything; the cost of a wrong code is a module's.
    if (processes == 1 && module.name != "pam_permit" && !module.floor) {
        auto wrong = run_logins(module.service, wrong_users, 1, false);
        double sum = std::accumulate(wrong.latencies_ms.begin(), wrong.latencies_ms.end(), 0.0);
        rejects.push_back({module.name, percentile(wrong.latencies_ms, 50), wrong.attempts > 0 ? sum / wrong.attempts : 0,
                           wrong.succeeded});
    }
    return f;
}

int run_bench(const Options& options, const std::string& dir) {
    auto users = make_users(dir, options.users);
    if (!users) {
        std::cerr << users.error().message << "\n";
        return 1;
    }
    std::vector<BenchUser> wrong_users(users->begin(), users->begin() + std::min<long>(options.wrong, options.users));

    std::vector<Figures> rows;
    std::vector<RejectFigures> rejects;
    // Interleaved: every row once, then every row again, so a slow minute of the machine touches all rows alike.
    for (int run = 0; run < options.runs; ++run)
        for (const auto& module : kModules) {
            if (module.name.find(options.only) == std::string::npos) continue;
            if (module.postgresql && !wants_postgresql(options)) continue;
            for (int processes : options.levels) {
                auto f = run_row(options, dir, module, run, processes, *users, wrong_users, rejects);
                if (!f) return 1;
                rows.push_back(*f);
                std::cerr << "run " << run + 1 << ": " << module.name << " x" << processes << ": " << f->logins_per_second
                          << " logins/s\n";
            }
        }
    auto costs = unit_costs(*users);
    auto goals = targets(rows, options.levels);
    std::cout << markdown(rows, rejects, costs) << "\n" << markdown(goals) << "\n";
    auto report = json(rows, rejects, costs);
    report["targets"] = to_json(goals);
    std::cout << report.dump(2) << "\n";
    if (!options.json_file.empty()) std::ofstream(options.json_file) << report.dump(2) << "\n";
    // Every row must complete cleanly alone; under concurrency a peer's failures
    // are a finding to report (pam_oath's usersfile locking), ours are a bug.
    bool clean = std::all_of(rows.begin(), rows.end(), [](const Figures& f) {
                     return f.spurious == 0 || (f.processes > 1 && f.module.rfind("pam_mfa", 0) != 0 && f.module != kFloorRow);
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
    app.add_option("--runs", options.runs, "interleaved runs of every row")->check(CLI::Range(1, 20))->capture_default_str();
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
    auto accounts = SystemUsers::add(options.users, 60000);
    if (!accounts) {
        std::cerr << "mfa_pam_bench: " << accounts.error().message << "\n";
        return 1;
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
