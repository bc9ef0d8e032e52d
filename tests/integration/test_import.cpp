// mfactl import against a real mfad: google-authenticator files in users'
// homes and pam_oath's usersfile, read as root. A dry run writes nothing; a
// commit makes codes the old module accepted work (checked with oathtool),
// keeps its replay state and scratch codes, and leaves the old files as they
// were; a second run changes nothing; every broken or planted file is named.
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

struct World {
    DaemonFixture daemon{{.users = {"gauser", "gahotp", "gabad", "galink", "gaopen", "gaall", "gatwin", "gatool1", "gatool2", "gatool3", "oathhotp", "oathtotp", "oathpin"}}};
    TempDir homes;  // 0755, so each user can reach their own home
};
World* world = nullptr;

const std::string kKeyHex = "3132333435363738393031323334353637383930";
const std::string kKeyBase32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const std::vector<std::string> kUsers = {"gauser", "gahotp", "gabad", "galink", "gaopen", "gaall", "gatwin",
                                         "gatool1", "gatool2", "gatool3"};
// gatwin has another uid in mfactl's NSS than in mfad's: two accounts, one name.
constexpr uid_t kTwinUid = 29999;

std::string home(const std::string& user) { return world->homes.file(user); }

// The passwd mfactl sees: root and the users above, with homes here.
std::string mfactl_passwd() {
    std::istringstream all(read_file(world->daemon.dir().file("passwd")));
    std::string out = "root:x:0:0:root:/nonexistent-root:/bin/sh\n";
    for (std::string line; std::getline(all, line);) {
        auto name = line.substr(0, line.find(':'));
        if (std::find(kUsers.begin(), kUsers.end(), name) == kUsers.end() && name.rfind("oath", 0) != 0) continue;
        auto at = line.find(":/nonexistent:");
        std::string entry = line.substr(0, at) + ":" + home(name) + line.substr(at + 13);
        if (name == "gatwin") entry = "gatwin:x:" + std::to_string(kTwinUid) + ":20000::" + home(name) + ":/usr/sbin/nologin";
        out += entry + "\n";
    }
    return out;
}

uid_t owner_of(const std::string& user) { return user == "gatwin" ? kTwinUid : world->daemon.uid_of(user); }

// Writes ~user/.google_authenticator as the user's own file.
std::string put_ga_file(const std::string& user, const std::string& text, mode_t mode = 0400) {
    std::string path = home(user) + "/.google_authenticator";
    unlink(path.c_str());
    world->homes.write(user + "/.google_authenticator", text, mode);
    if (chown(path.c_str(), owner_of(user), 20000) != 0) fail_msg("chown %s", path.c_str());
    return path;
}

int start(void**) {
    world = new World;
    chmod(world->homes.path().c_str(), 0755);
    for (const auto& user : kUsers) {
        mkdir(home(user).c_str(), 0755);
        if (chown(home(user).c_str(), owner_of(user), 20000) != 0) return -1;
    }
    world->homes.write("passwd", mfactl_passwd(), 0644);
    return world->daemon.start() ? 0 : -1;
}

int stop(void**) {
    delete world;
    return 0;
}

Finished mfactl(std::vector<std::string> args) {
    args.insert(args.begin(), {MFACTL_BIN, "--socket", world->daemon.socket()});
    return run(args, {std::string("LD_PRELOAD=") + MFA_DAEMON_PRELOAD, "NSS_WRAPPER_PASSWD=" + world->homes.file("passwd"),
                      "NSS_WRAPPER_GROUP=" + world->daemon.dir().file("group")});
}

std::optional<MessageType> login_with(const std::string& user, const std::string& answer) {
    LoginClient login(world->daemon.socket());
    if (login.begin(user) != MessageType::step) fail_msg("no code was asked of %s", user.c_str());
    return login.answer(answer);
}

bool enrolled(const std::string& user) {
    LoginClient login(world->daemon.socket());
    return login.begin(user) == MessageType::step;
}

std::int64_t g_step = 0;  // the step the file says was used last

// Everything the store holds, as text: a dry run leaves it as it was.
std::string store_dump() {
    return world->daemon.dump();
}

void a_dry_run_says_what_it_would_do_and_writes_nothing(void**) {
    g_step = unix_now() / 30;
    put_ga_file("gauser", kKeyBase32 + "\n\" RATE_LIMIT 3 30 " + std::to_string(unix_now()) + "\n\" WINDOW_SIZE 17\n" +
                              "\" DISALLOW_REUSE " + std::to_string(g_step) + "\n\" TOTP_AUTH\n11111111\n22222222\n33333333\n");
    std::string before = store_dump();
    auto dry = mfactl({"import", "google-authenticator", "--user", "gauser"});
    if (dry.exit_code != 0) fail_msg("%s %s", dry.out.c_str(), dry.err.c_str());
    assert_true(store_dump() == before);
    assert_contains(dry.out, "gauser: would import authenticator \"google-authenticator\" and 3 scratch codes");
    // A window the user wrote into their own file is no wider than this host's.
    assert_contains(dry.out, "its window of ±8 steps becomes ±1 (totp.window)");
    assert_contains(dry.out, "kept differently: RATE_LIMIT 3 per 30 s");
    assert_contains(dry.out, "A dry run: nothing was written");
    assert_false(enrolled("gauser"));
}

void a_commit_keeps_the_secret_the_used_steps_and_the_scratch_codes(void**) {
    std::string before = read_file(home("gauser") + "/.google_authenticator");
    auto done = mfactl({"import", "google-authenticator", "--user", "gauser", "--commit"});
    if (done.exit_code != 0) fail_msg("%s %s", done.out.c_str(), done.err.c_str());
    assert_contains(done.out, "gauser: imported authenticator");
    // The step google-authenticator saw used stays used; the next one works.
    assert_true(login_with("gauser", oathtool_code(kKeyBase32, g_step * 30)) == MessageType::step);
    assert_true(login_with("gauser", oathtool_code(kKeyBase32, (g_step + 1) * 30)) == MessageType::allow);
    // A scratch code (8 digits) is a backup code now: once.
    LoginClient scratch(world->daemon.socket());
    assert_true(scratch.begin("gauser") == MessageType::step);
    assert_true(scratch.answer("22222222") == MessageType::allow);
    assert_contains(scratch.last_message(), "Backup code accepted. 2 left");
    assert_true(login_with("gauser", "22222222") == MessageType::step);
    // The old file is untouched, and the audit names the source.
    assert_string_equal(read_file(home("gauser") + "/.google_authenticator").c_str(), before.c_str());
    auto rows = run({MFACTL_BIN, "--socket", world->daemon.socket(), "audit", "list", "--user", "gauser"}).out;
    assert_contains(rows, "import  gauser  ok");
    assert_contains(rows, "source=google-authenticator factor=google-authenticator kind=totp backup_codes=3");
}

void a_second_run_changes_nothing(void**) {
    auto again = mfactl({"import", "google-authenticator", "--user", "gauser", "--commit"});
    assert_int_equal(again.exit_code, 0);
    assert_contains(again.out, "gauser: already imported, skipped");
    assert_true(login_with("gauser", "11111111") == MessageType::allow);  // the set was not replaced
}

void an_hotp_file_becomes_a_token(void**) {
    put_ga_file("gahotp", kKeyBase32 + "\n\" HOTP_COUNTER 3\n\" WINDOW_SIZE 3\n", 0600);
    auto done = mfactl({"import", "google-authenticator", "--user", "gahotp", "--commit"});
    if (done.exit_code != 0) fail_msg("%s %s", done.out.c_str(), done.err.c_str());
    assert_true(login_with("gahotp", oathtool_hotp(kKeyHex, 2)) == MessageType::step);   // before its counter
    assert_true(login_with("gahotp", oathtool_hotp(kKeyHex, 5)) == MessageType::allow);  // within 3 codes ahead
    assert_true(login_with("gahotp", oathtool_hotp(kKeyHex, 5)) == MessageType::step);
}

void broken_and_planted_files_are_named_and_import_nothing(void**) {
    auto bad = put_ga_file("gabad", kKeyBase32 + "\n\" TOTP_AUTH\nnot a code\n");
    auto broken = mfactl({"import", "google-authenticator", "--user", "gabad", "--commit"});
    assert_int_equal(broken.exit_code, 1);
    assert_contains(broken.out, "gabad: not imported: " + bad + ":3: neither an option");
    assert_false(enrolled("gabad"));
    // galink points its file at gauser's: root must not follow it.
    assert_int_equal(symlink((home("gauser") + "/.google_authenticator").c_str(), (home("galink") + "/.google_authenticator").c_str()), 0);
    auto linked = mfactl({"import", "google-authenticator", "--user", "galink", "--commit"});
    assert_int_equal(linked.exit_code, 1);
    assert_contains(linked.out, "is a symbolic link");
    assert_false(enrolled("galink"));
    put_ga_file("gaopen", kKeyBase32 + "\n\" TOTP_AUTH\n", 0644);
    auto open = mfactl({"import", "google-authenticator", "--user", "gaopen", "--commit"});
    assert_contains(open.out, "mode 0644 lets others in");
    assert_false(enrolled("gaopen"));
    auto nofile = mfactl({"import", "google-authenticator", "--user", "gaall"});
    assert_int_equal(nofile.exit_code, 1);
    assert_contains(nofile.out, "no such file");
}

// ~user/.google_authenticator as the google-authenticator tool itself writes it, with `options`.
std::string tool_file(const std::string& user, const std::vector<std::string>& options) {
    std::string path = home(user) + "/.google_authenticator";
    std::vector<std::string> argv = {"google-authenticator", "-f", "-q", "-Q", "NONE", "-C", "-s", path};
    argv.insert(argv.end(), options.begin(), options.end());
    auto made = run(argv, {"LD_PRELOAD="});
    if (made.exit_code != 0) fail_msg("google-authenticator: %s", made.err.c_str());
    if (chown(path.c_str(), owner_of(user), 20000) != 0) fail_msg("chown %s", path.c_str());
    return read_file(path);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Files from the real tool (TOTP with and without reuse, rate limited or
// not, HOTP): the codes the original secret makes, and its scratch codes, log in.
void files_made_by_the_google_authenticator_tool_import(void**) {
    auto reuse_refused = lines_of(tool_file("gatool1", {"-t", "-d", "-r", "3", "-R", "30", "-w", "3", "-e", "5"}));
    auto reuse_allowed = lines_of(tool_file("gatool2", {"-t", "-D", "-u", "-w", "17", "-e", "3"}));
    auto counter_based = lines_of(tool_file("gatool3", {"-c", "-u", "-w", "5", "-e", "2"}));
    for (const char* user : {"gatool1", "gatool2", "gatool3"}) {
        auto done = mfactl({"import", "google-authenticator", "--user", user, "--commit"});
        if (done.exit_code != 0) fail_msg("%s: %s %s", user, done.out.c_str(), done.err.c_str());
    }
    assert_true(login_with("gatool1", oathtool_code(reuse_refused[0], unix_now())) == MessageType::allow);
    assert_true(login_with("gatool1", reuse_refused.back()) == MessageType::allow);  // a scratch code
    assert_true(login_with("gatool1", reuse_refused.back()) == MessageType::step);   // once
    assert_true(login_with("gatool2", oathtool_code(reuse_allowed[0], unix_now())) == MessageType::allow);
    assert_true(login_with("gatool2", oathtool_code(reuse_allowed[0], unix_now())) == MessageType::step);  // never twice here
    // The tool's HOTP file starts at counter 1: oathtool -b takes the base32 secret.
    auto hotp = run({"oathtool", "--hotp", "-b", "-c", "1", counter_based[0]}, {"LD_PRELOAD="}).out;
    assert_true(login_with("gatool3", hotp.substr(0, 6)) == MessageType::allow);
    assert_true(login_with("gatool3", counter_based.back()) == MessageType::allow);
}

// The file of one account must never become the factor of another with the same name.
void a_name_two_accounts_share_is_refused(void**) {
    put_ga_file("gatwin", kKeyBase32 + "\n\" TOTP_AUTH\n");
    auto twin = mfactl({"import", "google-authenticator", "--user", "gatwin", "--commit"});
    assert_int_equal(twin.exit_code, 1);
    assert_contains(twin.out, "two accounts share the name");
    assert_false(enrolled("gatwin"));
    unlink((home("gatwin") + "/.google_authenticator").c_str());
}

void all_users_imports_each_file_once(void**) {
    put_ga_file("gaall", kKeyBase32 + "\n\" TOTP_AUTH\n\" DISALLOW_REUSE\n");
    auto all = mfactl({"import", "google-authenticator", "--all", "--commit"});
    assert_int_equal(all.exit_code, 1);  // gabad, galink and gaopen are still refused
    assert_contains(all.out, "gaall: imported authenticator");
    assert_contains(all.out, "gauser: already imported, skipped");
    assert_contains(all.out, "gahotp: already imported, skipped");
    assert_contains(all.out, "gabad: not imported");
    assert_true(all.out.find("oathhotp") == std::string::npos);  // no file: not mentioned
    assert_true(login_with("gaall", oathtool_code(kKeyBase32, unix_now())) == MessageType::allow);
    auto usage = mfactl({"import", "google-authenticator"});
    assert_int_equal(usage.exit_code, 1);
    assert_contains(usage.err, "--user");
}

void the_oath_usersfile_keeps_counters_and_digits(void**) {
    std::string text = "# pam_oath\n"
                       "HOTP oathhotp - " + kKeyHex + " 5 254676 2026-01-01T00:00:00L\n"
                       "HOTP/T30/8 oathtotp - " + kKeyHex + "\n"
                       "HOTP oathpin 4711 " + kKeyHex + "\n"
                       "HOTP nosuchuser - " + kKeyHex + "\n";
    std::string path = world->homes.write("users.oath", text, 0600);
    std::string before = store_dump();
    auto dry = mfactl({"import", "oath", "--usersfile", path});
    assert_true(store_dump() == before);
    assert_int_equal(dry.exit_code, 1);
    assert_contains(dry.out, "oathhotp: would import OATH token \"oath\"");
    assert_contains(dry.out, "oathtotp: would import authenticator \"oath\"");
    assert_contains(dry.out, "oathpin: not imported: " + path + ":4: it has a PIN");
    assert_contains(dry.out, "nosuchuser");
    assert_false(enrolled("oathhotp"));
    auto done = mfactl({"import", "oath", "--usersfile", path, "--commit"});
    assert_contains(done.out, "oathhotp: imported");
    assert_true(login_with("oathhotp", oathtool_hotp(kKeyHex, 5)) == MessageType::step);  // the usersfile's last code
    assert_true(login_with("oathhotp", oathtool_hotp(kKeyHex, 6)) == MessageType::allow);
    assert_true(login_with("oathtotp", oathtool_totp(kKeyBase32, unix_now(), 8, 30)) == MessageType::allow);
    assert_false(enrolled("oathpin"));
    assert_string_equal(read_file(path).c_str(), text.c_str());
    // The usersfile is root's: one anyone could write is not trusted.
    chmod(path.c_str(), 0666);
    auto open = mfactl({"import", "oath", "--usersfile", path});
    assert_int_equal(open.exit_code, 1);
    assert_contains(open.err, "mode 0666");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_dry_run_says_what_it_would_do_and_writes_nothing),
        cmocka_unit_test(a_commit_keeps_the_secret_the_used_steps_and_the_scratch_codes),
        cmocka_unit_test(a_second_run_changes_nothing),
        cmocka_unit_test(an_hotp_file_becomes_a_token),
        cmocka_unit_test(broken_and_planted_files_are_named_and_import_nothing),
        cmocka_unit_test(a_name_two_accounts_share_is_refused),
        cmocka_unit_test(files_made_by_the_google_authenticator_tool_import),
        cmocka_unit_test(all_users_imports_each_file_once),
        cmocka_unit_test(the_oath_usersfile_keeps_counters_and_digits),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
