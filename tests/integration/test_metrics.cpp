// Counters: mfactl stats and the node_exporter textfile, after a known series
// of events; the textfile is replaced whole; a failing textfile is reported
// once and costs nothing else; and neither the log nor the metrics carry a
// code, a secret or the operator's email.
#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

struct World {
    std::unique_ptr<DaemonFixture> daemon;
    std::unique_ptr<DaemonFixture> failing;  // its textfile's directory does not exist
    std::vector<std::string> secrets;        // every code and secret the tests used
};
World* world = nullptr;

std::string textfile() { return world->daemon->dir().file("metrics/mfad.prom"); }

int setup(void**) {
    world = new World;
    world->daemon = std::make_unique<DaemonFixture>(DaemonOptions{
        .extra_yaml = "lockout: { max_failures: 2, duration: 1h }\nmetrics: { textfile: PLACEHOLDER, interval: 5s }\n"});
    mkdir(world->daemon->dir().file("metrics").c_str(), 0755);
    world->daemon->write_config("lockout: { max_failures: 2, duration: 1h }\nmetrics: { textfile: " + textfile() +
                                ", interval: 5s }\n");
    world->failing = std::make_unique<DaemonFixture>();
    world->failing->write_config("metrics: { textfile: " + world->failing->dir().file("missing/mfad.prom") +
                                 ", interval: 5s }\n");
    // Reachable by `nobody`, for the unauthorized request below.
    chmod(world->daemon->dir().path().c_str(), 0711);
    return world->daemon->start() && world->failing->start() ? 0 : -1;
}

int teardown(void**) {
    delete world;
    return 0;
}

Finished mfactl(std::vector<std::string> args) {
    args.insert(args.begin(), {MFACTL_BIN, "--socket", world->daemon->socket()});
    return run(args);
}

bool wait_for_file_containing(const std::string& path, const std::string& needle, int limit_ms) {
    for (int waited = 0; waited < limit_ms; waited += 100) {
        if (read_file(path).find(needle) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

// BEGIN for root's user "mia" as `nobody`: refused, counted as unauthorized.
void refused_begin_as_nobody() {
    const passwd* nobody = getpwnam("nobody");
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, nullptr) != 0 || setgid(nobody->pw_gid) != 0 || setuid(nobody->pw_uid) != 0) _exit(3);
        LoginClient client(world->daemon->socket());
        _exit(client.begin("mia") == std::nullopt && client.last_error().find("permission denied") != std::string::npos ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void counters_follow_the_events(void**) {
    assert_true(wait_for_file_containing(textfile(), "mfad_verify_ok_total 0\n", 3000));
    const std::string& socket = world->daemon->socket();
    auto secret = enroll_user(socket, "mia");  // setup attempt + ok
    world->secrets.push_back(secret);
    assert_int_equal(mfactl({"enroll", "totp", "--user", "mia"}).exit_code, 1);  // attempt, already enabled
    auto code = oathtool_code(secret, unix_now());
    world->secrets.push_back(code);
    LoginClient login(socket);
    assert_true(login.begin("mia") == MessageType::step);
    assert_true(login.answer(code) == MessageType::allow);
    auto codes = new_backup_codes(socket, "mia");
    world->secrets.insert(world->secrets.end(), codes.begin(), codes.end());
    LoginClient backup(socket);
    assert_true(backup.begin("mia") == MessageType::step);
    assert_true(backup.answer(codes[0]) == MessageType::allow);
    LoginClient wrong(socket);
    assert_true(wrong.begin("mia") == MessageType::step);
    assert_true(wrong.answer("999999") == MessageType::step);
    assert_true(wrong.answer(codes[0]) == MessageType::locked);  // used code, second failure: the lock
    refused_begin_as_nobody();
    assert_int_equal(mfactl({"admin", "disable", "--user", "mia", "--ticket", "HD-1", "--reason", "test", "--operator",
                             "op.secret-mail@example.org", "--verification-method", "with-claim", "--commit"})
                         .exit_code,
                     0);

    auto stats = mfactl({"--json", "stats"});
    assert_int_equal(stats.exit_code, 0);
    auto expected = nlohmann::json{{"mfad_setup_attempts_total", 2},     {"mfad_setups_ok_total", 1},
                                   {"mfad_setup_already_enabled_total", 1}, {"mfad_unauthorized_total", 1},
                                   {"mfad_verify_ok_total", 2},           {"mfad_verify_fail_total", 2},
                                   {"mfad_lockouts_total", 1},            {"mfad_backup_code_sets_generated_total", 1},
                                   {"mfad_backup_codes_used_total", 1},   {"mfad_admin_disables_total", 1},
                                   {"mfad_sms_sent_total", 0},            {"mfad_sms_failed_total", 0},
                                   {"mfad_sms_rate_limited_total", 0},    {"mfad_enrollments_skipped_total", 0},
                                   {"mfad_emails_sent_total", 0},         {"mfad_emails_failed_total", 0},
                                   {"mfad_recoveries_total", 0},          {"mfad_push_sent_total", 0},
                                   {"mfad_push_failed_total", 0},         {"mfad_push_approved_total", 0},
                                   {"mfad_push_denied_total", 0},         {"mfad_push_expired_total", 0},
                                   {"mfad_push_fraud_reported_total", 0}};
    if (nlohmann::json::parse(stats.out) != expected) fail_msg("stats: %s", stats.out.c_str());
    assert_contains(mfactl({"stats"}).out, "mfad_lockouts_total:");

    // Within one interval the textfile says the same, in Prometheus format.
    assert_true(wait_for_file_containing(textfile(), "mfad_admin_disables_total 1\n", 7000));
    std::string prom = read_file(textfile());
    assert_contains(prom, "# TYPE mfad_verify_fail_total counter\nmfad_verify_fail_total 2\n");
    assert_contains(prom, "# HELP mfad_lockouts_total ");
    struct stat st{};
    assert_int_equal(stat(textfile().c_str(), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    // Only the file itself is left: the temporary is renamed, never abandoned.
    int entries = 0;
    DIR* dir = opendir(world->daemon->dir().file("metrics").c_str());
    while (auto* e = readdir(dir)) entries += e->d_name[0] != '.';
    closedir(dir);
    assert_int_equal(entries, 1);
}

void no_code_secret_or_email_in_logs_or_metrics(void**) {
    assert_true(world->secrets.size() > 4);
    std::string log = world->daemon->log(), prom = read_file(textfile());
    for (const auto& secret : world->secrets) {
        if (log.find(secret) != std::string::npos) fail_msg("the log holds %s", secret.c_str());
        if (prom.find(secret) != std::string::npos) fail_msg("the metrics hold %s", secret.c_str());
    }
    for (const std::string* text : {&log, &prom}) assert_true(text->find('@') == std::string::npos);
    assert_true(prom.find("mia") == std::string::npos);  // user names: in the log, never in metrics
    // The email is in the audit event, where it belongs.
    assert_contains(mfactl({"audit", "list", "--event", "disable"}).out, "op.secret-mail@example.org");
}

void a_failing_textfile_is_reported_once(void**) {
    // Started with the others: by now it has tried at least twice (start, then 5 s).
    std::this_thread::sleep_for(std::chrono::milliseconds(5500));
    std::string log = world->failing->log();
    auto first = log.find("metrics not written");
    assert_true(first != std::string::npos);
    assert_true(log.find("metrics not written", first + 1) == std::string::npos);
    assert_contains(log, "missing/mfad.prom");
    assert_int_equal(run({MFACTL_BIN, "--socket", world->failing->socket(), "stats"}).exit_code, 0);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(counters_follow_the_events),
        cmocka_unit_test(no_code_secret_or_email_in_logs_or_metrics),
        cmocka_unit_test(a_failing_textfile_is_reported_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
