// Who may ask what, with real uids: a user acts only for itself, admin_group
// members may enroll and inspect others but never verify for them, root may do all.
#include <sys/stat.h>
#include <sys/wait.h>

#include <thread>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

// Per-process names, so two test runs on one machine never touch each other's.
const std::string kAdminGroup = "mfa-admins-" + std::to_string(getpid());
const std::string kAdmin = "mfa-admin-" + std::to_string(getpid());
const std::string kOwner = "mfa-owner-" + std::to_string(getpid());

struct World {
    TempDir public_dir;  // 0755, so other uids can reach the socket
    std::unique_ptr<DaemonFixture> daemon;
};
World* world = nullptr;

void remove_admin() {
    run({"userdel", kAdmin});
    run({"userdel", kOwner});
    run({"groupdel", kAdminGroup});
}

int setup(void**) {
    remove_admin();
    if (run({"groupadd", kAdminGroup}).exit_code != 0) return -1;
    if (run({"useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", "-G", kAdminGroup, kAdmin}).exit_code != 0)
        return -1;
    if (run({"useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", kOwner}).exit_code != 0) return -1;
    world = new World;
    chmod(world->public_dir.path().c_str(), 0755);
    world->daemon = std::make_unique<DaemonFixture>(DaemonOptions{
        .extra_yaml = "admin_group: " + kAdminGroup + "\n",
        .config_socket = world->public_dir.file("mfad.sock")});
    return world->daemon->start() ? 0 : -1;
}

int teardown(void**) {
    delete world;
    remove_admin();
    return 0;
}

Finished mfactl_as(const std::string& user, std::vector<std::string> args, const std::string& stdin_text = "") {
    const passwd* pw = getpwnam(user.c_str());
    if (pw == nullptr) fail_msg("no user %s", user.c_str());
    std::vector<std::string> argv = {"setpriv", "--reuid=" + std::to_string(pw->pw_uid),
                                     "--regid=" + std::to_string(pw->pw_gid), "--init-groups", MFACTL_BIN, "--socket",
                                     world->daemon->socket()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {}, stdin_text);
}

const std::vector<std::string> kDisableRoot = {"admin", "disable", "--user", "root", "--ticket", "T-2", "--reason",
                                               "test", "--operator", "op@example.com", "--verification-method",
                                               "with-claim"};
const std::vector<std::string> kDisableNobody = {"admin", "disable", "--user", "nobody", "--ticket", "T-1", "--reason",
                                                 "test", "--operator", "op@example.com", "--verification-method",
                                                 "none-provided"};
const std::vector<std::string> kDisableAlice = {"admin", "disable", "--user", "alice", "--ticket", "T-2", "--reason",
                                                "test", "--operator", "op@example.com", "--verification-method",
                                                "with-claim"};

std::vector<std::string> with_commit(std::vector<std::string> args) {
    args.push_back("--commit");
    return args;
}

// BEGIN for `target` from a child running as `uid`: 0 answered (challenge, not enrolled, exempt), 1 refused, 2 other.
int begin_as(uid_t uid, gid_t gid, const std::string& target) {
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(3);
        LoginClient client(world->daemon->socket());
        auto reply = client.begin(target);
        if (reply == MessageType::step || reply == MessageType::not_enrolled || reply == MessageType::exempt) _exit(0);
        _exit(client.last_error().find("permission denied") != std::string::npos ? 1 : 2);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void a_user_acts_only_for_itself(void**) {
    auto other = mfactl_as("nobody", {"enroll", "totp", "--user", "alice"});
    assert_int_equal(other.exit_code, 1);
    assert_contains(other.err, "permission denied");
    auto status_other = mfactl_as("nobody", {"status", "--user", "alice"});
    assert_int_equal(status_other.exit_code, 1);
    assert_contains(status_other.err, "permission denied");

    auto self = mfactl_as("nobody", {"--json", "enroll", "totp"});
    assert_int_equal(self.exit_code, 0);
    assert_contains(self.out, "\"user\":\"nobody\"");
    assert_int_equal(mfactl_as("nobody", {"status"}).exit_code, 0);

    assert_int_equal(begin_as(65534, 65534, "alice"), 1);
    assert_int_equal(begin_as(65534, 65534, "nobody"), 0);
    auto codes_other = mfactl_as("nobody", {"backup-codes", "generate", "--user", "alice"}, "123456\n");
    assert_int_equal(codes_other.exit_code, 1);
    assert_contains(codes_other.err, "permission denied");
    auto codes_self = mfactl_as("nobody", {"backup-codes", "generate"}, "123456\n");  // allowed, but nothing is active yet
    assert_int_equal(codes_self.exit_code, 1);
    assert_contains(codes_self.err, "no active authenticator for nobody");
    assert_int_equal(mfactl_as("nobody", {"stats"}).exit_code, 0);  // counters name nobody: anyone may read them

    // Admin commands, even on itself.
    for (const std::vector<std::string>& admin : {std::vector<std::string>{"admin", "unlock", "--user", "nobody"},
                                                   std::vector<std::string>{"admin", "reset", "--user", "alice"},
                                                   std::vector<std::string>{"audit", "verify"},
                                                   std::vector<std::string>{"audit", "list"},
                                                   kDisableNobody, with_commit(kDisableNobody)}) {
        auto refused = mfactl_as("nobody", admin);
        assert_int_equal(refused.exit_code, 1);
        assert_contains(refused.err, "permission denied: admin commands are for root and " + kAdminGroup);
    }
}

void an_admin_enrolls_others_but_never_verifies_for_them(void**) {
    auto enrolled = mfactl_as(kAdmin, {"--json", "enroll", "totp", "--user", "alice"});
    if (enrolled.exit_code != 0) fail_msg("%s", enrolled.err.c_str());
    assert_contains(enrolled.out, "\"user\":\"alice\"");
    assert_int_equal(mfactl_as(kAdmin, {"status", "--user", "alice"}).exit_code, 0);
    assert_int_equal(mfactl_as(kAdmin, {"audit", "verify"}).exit_code, 0);
    assert_int_equal(mfactl_as(kAdmin, {"admin", "unlock", "--user", "alice"}).exit_code, 0);
    auto disabled = mfactl_as(kAdmin, with_commit(kDisableAlice));
    if (disabled.exit_code != 0) fail_msg("%s", disabled.err.c_str());
    auto admin = getpwnam(kAdmin.c_str());
    assert_non_null(admin);
    // The audit row names the operator's uid, from SO_PEERCRED.
    auto rows = run({MFACTL_BIN, "--socket", world->daemon->socket(), "audit", "list", "--event", "disable"});
    assert_contains(rows.out, "uid=" + std::to_string(admin->pw_uid));
    assert_contains(rows.out, "\"operator_uid\":" + std::to_string(admin->pw_uid));
    assert_int_equal(begin_as(admin->pw_uid, admin->pw_gid, "alice"), 1);
}

// Moving the store moves every user's secrets: root's alone, even for the
// admin group, and a dry run too (it reads every row).
void only_root_migrates_the_store(void**) {
    for (const std::string& who : {kAdmin, std::string("nobody")})
        for (bool commit : {false, true}) {
            std::vector<std::string> args = {"admin", "migrate-store", "--to", "postgresql"};
            if (commit) args.push_back("--commit");
            auto refused = mfactl_as(who, args);
            assert_int_equal(refused.exit_code, 1);
            assert_contains(refused.err, "only root migrates the store");
        }
}

// A user who hoards connections is capped; root (sshd) still gets in.
void one_user_cannot_starve_root(void**) {
    auto nobody = getpwnam("nobody");
    pid_t pid = fork();
    if (pid == 0) {
        if (setgroups(0, nullptr) != 0 || setgid(nobody->pw_gid) != 0 || setuid(nobody->pw_uid) != 0) _exit(3);
        std::vector<std::unique_ptr<LoginClient>> held;
        int refused = 0;
        for (int i = 0; i < 10; ++i) {
            held.push_back(std::make_unique<LoginClient>(world->daemon->socket()));
            if (held.back()->begin("nobody") == std::nullopt) ++refused;
        }
        // Hold them while the parent checks root; the pipe-less handshake: exit code only.
        sleep(1);
        _exit(refused == 2 ? 0 : 10 + refused);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    LoginClient root(world->daemon->socket());
    assert_true(root.begin("alice").has_value());
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);  // 8 allowed, 2 refused as busy
}

std::string sql(const std::string& query) { return world->daemon->sql(query).out; }

// Backup codes log their holder in: an admin may not mint them for anyone
// else (root included), and users prove possession with a current code.
void only_root_mints_backup_codes_for_others(void**) {
    const std::string socket = world->daemon->socket();
    enroll_user(socket, "bob");
    for (const char* target : {"bob", "root"}) {
        auto refused = mfactl_as(kAdmin, {"backup-codes", "generate", "--user", target});
        assert_int_equal(refused.exit_code, 1);
        assert_contains(refused.err, "only root may make backup codes for another user");
    }
    assert_str_eq(sql("SELECT count(*) FROM backup_codes"), "0\n");
    // Nor a factor for root's account by the other door: enroll, or reset, unlock, disable.
    for (const std::vector<std::string>& on_root : {std::vector<std::string>{"enroll", "totp", "--user", "root"},
                                                     std::vector<std::string>{"admin", "reset", "--user", "root"},
                                                     std::vector<std::string>{"admin", "unlock", "--user", "root"},
                                                     with_commit(kDisableRoot)}) {
        auto refused = mfactl_as(kAdmin, on_root);
        assert_int_equal(refused.exit_code, 1);
        assert_contains(refused.err, "only root may act on an account with uid 0");
    }
    auto by_root = run({MFACTL_BIN, "--socket", socket, "--json", "backup-codes", "generate", "--user", "bob"}, {}, "");
    assert_int_equal(by_root.exit_code, 0);  // root needs no code

    auto secret = enroll_user(socket, kAdmin);
    auto wrong = mfactl_as(kAdmin, {"backup-codes", "generate"}, "000000x\n");
    assert_int_equal(wrong.exit_code, 1);
    assert_contains(wrong.err, "wrong code");
    assert_str_eq(sql("SELECT failures FROM users WHERE name = '" + kAdmin + "'"), "1\n");
    auto code = oathtool_code(secret, unix_now());
    auto right = mfactl_as(kAdmin, {"--json", "backup-codes", "generate"}, code + "\n");
    if (right.exit_code != 0) fail_msg("%s", right.err.c_str());
    assert_contains(right.out, "\"codes\":[");
    auto replayed = mfactl_as(kAdmin, {"backup-codes", "generate"}, code + "\n");
    assert_int_equal(replayed.exit_code, 1);  // a code proves possession once
}

// A second factor logs its holder in like a backup code: the user adds one
// only with a current code from a factor they hold, and admin_group adds
// none to an account that already has one (first enrollments only).
void a_new_factor_on_an_enrolled_account_needs_proof(void**) {
    const std::string socket = world->daemon->socket();
    auto secret = enroll_user(socket, "carol");
    auto by_admin = mfactl_as(kAdmin, {"enroll", "totp", "--user", "carol", "--name", "adm"});
    assert_int_equal(by_admin.exit_code, 1);
    assert_contains(by_admin.err, "carol already has a factor: only root or carol may add another");
    assert_str_eq(sql("SELECT count(*) FROM factors f JOIN users u ON u.id = f.user_id WHERE u.name = 'carol'"), "1\n");
    // An admin's pending factor from before the user enrolled is not confirmed after.
    auto early = mfactl_as(kAdmin, {"--json", "enroll", "totp", "--user", "dee", "--name", "adm"});
    assert_int_equal(early.exit_code, 0);
    auto early_secret = early.out.substr(early.out.find("\"secret\":\"") + 10, 32);
    enroll_user(socket, "dee");
    auto late = mfactl_as(kAdmin, {"enroll", "confirm", "--user", "dee", "--factor", "adm"},
                          oathtool_code(early_secret, unix_now()) + "\n");
    assert_int_equal(late.exit_code, 1);
    assert_contains(late.err, "dee already has a factor");

    // As the user: no code, a wrong one (counted), then the right one.
    const std::string& owner = kOwner;
    auto own_secret = enroll_user(socket, owner);
    auto none = mfactl_as(owner, {"enroll", "totp", "--name", "second"}, "\n");
    assert_int_equal(none.exit_code, 1);
    auto wrong = mfactl_as(owner, {"enroll", "totp", "--name", "second"}, "000000\n");
    assert_int_equal(wrong.exit_code, 1);
    assert_contains(wrong.err, "wrong code");
    assert_str_eq(sql("SELECT failures FROM users WHERE name = '" + owner + "'"), "1\n");
    auto right = mfactl_as(owner, {"--json", "enroll", "totp", "--name", "second"}, oathtool_code(own_secret, unix_now()) + "\n");
    if (right.exit_code != 0) fail_msg("%s", right.err.c_str());
    assert_contains(right.out, "\"secret\":");
    (void)secret;
}

void root_may_do_all(void**) {
    assert_int_equal(run({MFACTL_BIN, "--socket", world->daemon->socket(), "status", "--user", "alice"}).exit_code, 0);
    assert_int_equal(begin_as(0, 0, "alice"), 0);
    assert_contains(world->daemon->log(), "MFA_RESULT=unauthorized");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(a_user_acts_only_for_itself),
        cmocka_unit_test(an_admin_enrolls_others_but_never_verifies_for_them),
        cmocka_unit_test(only_root_migrates_the_store),
        cmocka_unit_test(one_user_cannot_starve_root),
        cmocka_unit_test(only_root_mints_backup_codes_for_others),
        cmocka_unit_test(a_new_factor_on_an_enrolled_account_needs_proof),
        cmocka_unit_test(root_may_do_all),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
