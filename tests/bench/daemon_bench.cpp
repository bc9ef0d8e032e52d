// mfa_daemon_bench: mfad alone, without PAM. Seeds a store with 1 k and 1 M
// enrolled users in bulk, starts mfad on a copy (timing exec to READY=1),
// then lets 64 and 256 protocol clients verify codes as fast as mfad answers.
// The smallest store is run again on a local PostgreSQL (fsync on), and the
// store thread's hand-off is timed.
// Prints a Markdown table and JSON; exits 1 if any verification failed other
// than by a refusal mfad meant (replay, lock).
#include <CLI/CLI.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>

#include "bench_postgres.hpp"
#include "bench_report.hpp"
#include "spread.hpp"
#include "bulk_seed.hpp"
#include "daemon_fixture.hpp"
#include "daemon_report.hpp"
#include "postgres_server.hpp"
#include "proc_stats.hpp"
#include "temp_dir.hpp"
#include "verify_load.hpp"

using namespace mfa;
using namespace mfa::bench;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::vector<long> users = {1000, 1000000};
    std::vector<int> clients = {64, 256};
    double seconds = 2;
    std::string durability = "normal";
    bool postgresql = true;
    int handoff_calls = 20000;
    std::string json_file;
    int runs = 3;
};

// Replays count as failures: with 1 k users, a client soon asks again for a
// user whose code of this step is spent. 100 (the most mfad allows) keeps a
// short run from locking them.
// Clients pick users at random, so now and then several wait on one user at
// once: max_logins_per_user is raised, or the newest would end the oldest.
std::string bench_config(const Options& o, int clients) {
    return "durability: " + o.durability + "\nlockout: { max_failures: 100, duration: 1m }\n" +
           "connections: { max: " + std::to_string(clients + 16) +
           ", max_per_user: 8, idle_timeout: 30s, max_logins_per_user: 64 }\n";
}

DaemonFigures figures(const std::string& load_name, std::size_t users, int clients, const LoadResult& load,
                      double cpu_ms_used) {
    DaemonFigures f;
    f.load = load_name;
    f.users = static_cast<long>(users);
    f.clients = clients;
    f.verifications_per_second = load.wall_seconds > 0 ? static_cast<double>(load.verifications) / load.wall_seconds : 0;
    f.p50_ms = percentile(load.latencies_ms, 50);
    f.p99_ms = percentile(load.latencies_ms, 99);
    f.accepted = load.accepted;
    f.refused = load.refused;
    f.locked = load.locked;
    f.errors = load.errors;
    f.cpu_us_per_verification =
        load.verifications > 0 ? cpu_ms_used * 1000.0 / static_cast<double>(load.verifications) : 0;
    return f;
}

// One mfad on a fresh copy of the seeded store (`conninfo`: its copy in
// PostgreSQL): the verifications, then the same clients doing two PINGs each
// instead (the floor of round trips alone).
std::optional<std::vector<DaemonFigures>> run_level(const Options& o, const test::TempDir& seed, const std::vector<Secret>& secrets,
                                       int clients, const std::string& conninfo = "") {
    test::NotifyListener notify(seed.file("notify-" + std::to_string(clients) + ".sock"));
    // mfad resolves every BEGIN's user through NSS: here a source that answers
    // in constant time (nss_bulk.c), as a directory's cache does. A million
    // lines in a passwd file would time a linear scan, not mfad.
    std::string yaml = bench_config(o, clients) + (conninfo.empty() ? "" : postgresql_yaml(conninfo));
    test::DaemonFixture mfad({.extra_yaml = yaml,
                              .env = {notify.env(), "NSS_WRAPPER_MODULE_SO_PATH=" MFA_NSS_BULK,
                                      "NSS_WRAPPER_MODULE_FN_PREFIX=mfabulk"}});
    fs::create_directory(mfad.dir().file("state"));
    chmod(mfad.dir().file("state").c_str(), 0700);
    if (conninfo.empty()) fs::copy_file(seed.file("mfad.db"), mfad.dir().file("state/mfad.db"));
    fs::copy_file(seed.file("mfad.key"), mfad.dir().file("mfad.key"), fs::copy_options::overwrite_existing);

    auto started = Clock::now();
    auto ready = std::async(std::launch::async, [&] {
        auto seen = notify.wait_for("READY=1", 60000);
        return seen.find("READY=1") != std::string::npos ? std::optional(Clock::now()) : std::nullopt;
    });
    bool up = mfad.start();
    auto ready_at = ready.get();
    if (!up || !ready_at) {
        std::cerr << "mfad did not become ready:\n" << mfad.log() << "\n";
        return std::nullopt;
    }
    pid_t pid = mfad.child().pid();
    auto duration = std::chrono::milliseconds(static_cast<long>(o.seconds * 1000));
    std::vector<DaemonFigures> rows;
    for (bool pings : {false, true}) {
        double cpu_before = cpu_ms(pid);
        auto load = run_verifications(mfad.socket(), secrets, clients, duration, pings);
        auto f = figures(pings ? "2 x PING" : "BEGIN+ANSWER", secrets.size(), clients, load, cpu_ms(pid) - cpu_before);
        f.peak_rss_kib = peak_rss_kib(pid);
        f.ready_ms = std::chrono::duration<double, std::milli>(*ready_at - started).count();
        if (!conninfo.empty()) f.store = "postgresql";
        std::cerr << f.load << ", " << f.store << ", " << f.users << " users x" << clients << ": "
                  << f.verifications_per_second << "/s\n";
        rows.push_back(f);
    }
    return rows;
}

// The smallest store again, on PostgreSQL: one fresh database per level.
std::optional<std::vector<DaemonFigures>> postgresql_levels(const Options& o, const test::PostgresServer& server,
                                                            const test::TempDir& seed, const std::vector<Secret>& secrets,
                                                            std::optional<HandOff>& handoff, int run) {
    std::string where = "host=" + server.socket_dir() + " port=" + std::to_string(server.port());
    std::vector<DaemonFigures> rows;
    for (int clients : o.clients) {
        std::string name = "bench_" + std::to_string(secrets.size()) + "_" + std::to_string(clients) + "_" + std::to_string(run);
        auto conninfo = fresh_database(where, name);
        auto copied = conninfo ? copy_to_postgresql(seed.file("mfad.db"), seed.file("mfad.key"), *conninfo)
                               : Result<void>(conninfo.error());
        if (!copied) {
            std::cerr << "PostgreSQL: " << copied.error().message << "\n";
            return std::nullopt;
        }
        auto level = run_level(o, seed, secrets, clients, *conninfo);
        if (!level) return std::nullopt;
        rows.insert(rows.end(), level->begin(), level->end());
        if (handoff) continue;
        auto timed = measure_handoff(*conninfo, seed.file("mfad.key"), o.handoff_calls);
        if (!timed) {
            std::cerr << "store hand-off: " << timed.error().message << "\n";
            return std::nullopt;
        }
        handoff = *timed;
    }
    return rows;
}

// The goals for mfad alone, judged on the runs' spread.
std::vector<Target> targets(const std::vector<DaemonFigures>& rows, const Options& o) {
    auto over = [&](long users, int clients, const std::string& load, auto get) {
        std::vector<double> values;
        for (const auto& r : rows)
            if (r.store == "sqlite" && r.users == users && r.clients == clients && r.load == load) values.push_back(get(r));
        return spread_of(values);
    };
    auto rate = [](const DaemonFigures& f) { return f.verifications_per_second; };
    auto p50 = [](const DaemonFigures& f) { return f.p50_ms; };
    std::vector<Target> out;
    long small = *std::min_element(o.users.begin(), o.users.end());
    long large = *std::max_element(o.users.begin(), o.users.end());
    int clients = o.clients.front();
    std::string at = std::to_string(clients) + " clients";
    out.push_back({"mfad alone >= 60 % of its 2 x PING floor, " + std::to_string(small) + " users, " + at,
                   ratio_of(over(small, clients, "BEGIN+ANSWER", rate), over(small, clients, "2 x PING", rate)), 0.6, "%"});
    if (large != small)
        out.push_back({"p50 with " + std::to_string(large) + " users within 25 % of " + std::to_string(small) + ", " + at,
                       ratio_of(over(large, clients, "BEGIN+ANSWER", p50), over(small, clients, "BEGIN+ANSWER", p50)), 1.25,
                       "x", true});
    std::vector<double> rss, ready;
    for (const auto& r : rows)
        if (r.store == "sqlite") {
            rss.push_back(static_cast<double>(r.peak_rss_kib) / 1024.0);
            ready.push_back(r.ready_ms);
        }
    out.push_back({"peak RSS <= 32 MiB (every row)", spread_of(rss), 32, " MiB", true});
    out.push_back({"exec to READY=1 <= 100 ms (every row)", spread_of(ready), 100, " ms", true});
    return out;
}

int run(const Options& o) {
    std::vector<DaemonFigures> rows;
    std::optional<test::PostgresServer> server;
    if (o.postgresql) server.emplace(test::PostgresServer::Options{.fsync = true});
    std::optional<HandOff> handoff;
    // Seeded once; every run then starts mfad afresh on a copy.
    std::vector<std::unique_ptr<test::TempDir>> seeds;
    std::vector<std::vector<Secret>> secrets;
    for (long users : o.users) {
        seeds.push_back(std::make_unique<test::TempDir>());
        auto& seed = *seeds.back();
        auto key = test::run({MFAD_BIN, "--generate-key", seed.file("mfad.key")});
        if (key.exit_code != 0) {
            std::cerr << "mfad --generate-key: " << key.err << "\n";
            return 1;
        }
        auto t0 = Clock::now();
        auto seeded = bulk_seed(seed.file("mfad.db"), seed.file("mfad.key"), static_cast<std::size_t>(users));
        if (!seeded) {
            std::cerr << "seeding: " << seeded.error().message << "\n";
            return 1;
        }
        secrets.push_back(std::move(*seeded));
        std::cerr << "seeded " << users << " users in " << std::chrono::duration<double>(Clock::now() - t0).count() << " s\n";
    }
    // Interleaved: every row once, then every row again.
    for (int run = 0; run < o.runs; ++run)
        for (std::size_t i = 0; i < seeds.size(); ++i) {
            auto before = rows.size();
            for (int clients : o.clients) {
                auto level = run_level(o, *seeds[i], secrets[i], clients);
                if (!level) return 1;
                rows.insert(rows.end(), level->begin(), level->end());
            }
            if (server && o.users[i] == *std::min_element(o.users.begin(), o.users.end())) {
                auto level = postgresql_levels(o, *server, *seeds[i], secrets[i], handoff, run);
                if (!level) return 1;
                rows.insert(rows.end(), level->begin(), level->end());
            }
            for (auto r = before; r < rows.size(); ++r) rows[r].run = run;
        }
    auto goals = targets(rows, o);
    auto report = json(rows);
    report["targets"] = to_json(goals);
    std::cout << markdown(rows) << "\n" << markdown(goals) << "\n";
    if (handoff) {
        std::cout << "Store thread hand-off (PostgreSQL), " << handoff->calls << " calls one after another: "
                  << fixed(handoff->empty_job_us, 1) << " µs per call with an empty job, " << fixed(handoff->select_us, 1)
                  << " µs with SELECT 1.\n\n";
        report["store_handoff"] = {{"calls", handoff->calls},
                                   {"empty_job_us", handoff->empty_job_us},
                                   {"select_1_us", handoff->select_us}};
    }
    std::cout << report.dump(2) << "\n";
    if (!o.json_file.empty()) std::ofstream(o.json_file) << report.dump(2) << "\n";
    bool clean = std::all_of(rows.begin(), rows.end(), [](const DaemonFigures& f) { return f.errors == 0; });
    if (!clean) std::cerr << "mfa_daemon_bench: verifications failed (see the errors column)\n";
    return clean ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"mfad alone: verifications/s and latency from many protocol clients", "mfa_daemon_bench"};
    Options o;
    app.add_option("--users", o.users, "enrolled users, one store each")->delimiter(',')->capture_default_str();
    app.add_option("--clients", o.clients, "concurrent clients, one run each")
        ->delimiter(',')
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    app.add_option("--seconds", o.seconds, "length of each run")->check(CLI::Range(0.1, 600.0))->capture_default_str();
    app.add_option("--durability", o.durability, "mfad's durability")
        ->check(CLI::IsMember({"normal", "full"}))
        ->capture_default_str();
    app.add_flag("!--no-postgresql", o.postgresql, "no PostgreSQL rows (they start a local server)");
    app.add_option("--handoff-calls", o.handoff_calls, "store calls timed through the store thread")
        ->check(CLI::Range(1, 10000000))
        ->capture_default_str();
    app.add_option("--runs", o.runs, "interleaved runs of every row")->check(CLI::Range(1, 20))->capture_default_str();
    app.add_option("--json", o.json_file, "also write the JSON here");
    CLI11_PARSE(app, argc, argv);
    try {
        return run(o);
    } catch (const std::exception& e) {  // the local PostgreSQL would not start
        std::cerr << "mfa_daemon_bench: " << e.what() << "\n";
        return 1;
    }
}
