// End to end: a real sshd on loopback whose PAM stack is pam_unix then
// pam_mfa.so, and an expect-driven ssh client typing password and code.
// sshd runs through a symlink named mfa-e2e-sshd-PID, which is also its PAM
// service name, so only /etc/pam.d/mfa-e2e-sshd-PID is added (and removed).
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "free_port.hpp"

using namespace mfa::test;

namespace {

// Per-process names, so two test runs on one machine never touch each other's.
const std::string kSuffix = std::to_string(getpid());
const std::string kUser = "mfa-e2e-" + kSuffix;
const std::string kServiceName = "mfa-e2e-sshd-" + kSuffix;
const std::string kService = "/etc/pam.d/" + kServiceName;
constexpr const char* kPassword = "Corr3ct-Horse-battery";
// forward_pass: a second sshd that takes passwords only, for a user with an OATH token.
const std::string kFwdUser = "mfa-e2e-fwd-" + kSuffix;
const std::string kFwdServiceName = "mfa-e2e-fwd-sshd-" + kSuffix;
const std::string kFwdService = "/etc/pam.d/" + kFwdServiceName;
const std::string kTokenHex = "3132333435363738393031323334353637383930";
// push: a user with an authenticator and a phone approving through the command provider.
const std::string kPushUser = "mfa-e2e-push-" + kSuffix;

struct World {
    TempDir dir;  // 0755: sshd's monitor and mfad's socket live here
    std::unique_ptr<DaemonFixture> daemon;
    std::unique_ptr<Child> sshd;
    std::unique_ptr<Child> forward_sshd;
    int port = 0;
    int forward_port = 0;
    std::string secret;
};
World* world = nullptr;

bool port_open(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

void remove_user_and_service() {
    run({"userdel", kUser});
    run({"userdel", kFwdUser});
    run({"userdel", kPushUser});
    unlink(kService.c_str());
    unlink(kFwdService.c_str());
}

// sshd under the name `service` (its PAM service) on `port`, with `extra` config lines.
std::unique_ptr<Child> start_sshd(const std::string& service, int port, const std::string& extra) {
    std::string config = world->dir.file(service + ".config");
    std::ofstream(config) << "Port " << port << "\nListenAddress 127.0.0.1\nHostKey " << world->dir.file("hostkey")
                          << "\nPidFile " << world->dir.file(service + ".pid")
                          << "\nUsePAM yes\nPubkeyAuthentication no\nPermitRootLogin no\nLogLevel VERBOSE\n" << extra;
    if (symlink("/usr/sbin/sshd", world->dir.file(service).c_str()) != 0) return nullptr;
    auto sshd = std::make_unique<Child>(
        std::vector<std::string>{world->dir.file(service), "-D", "-e", "-f", config},
        std::vector<std::string>{std::string("LD_PRELOAD=") + MFA_SSHD_PRELOAD, "ASAN_OPTIONS=detect_leaks=0"},
        world->dir.file(service + ".log"));
    for (int i = 0; i < 500 && !port_open(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return port_open(port) ? std::move(sshd) : nullptr;
}

int setup(void**) {
    remove_user_and_service();
    world = new World;
    chmod(world->dir.path().c_str(), 0755);
    mkdir("/run/sshd", 0755);  // sshd's privilege separation directory
    if (run({"useradd", "--no-create-home", "--shell", "/bin/sh", kUser}).exit_code != 0) return -1;
    if (run({"chpasswd"}, {}, kUser + ":" + kPassword + "\n").exit_code != 0) return -1;
    if (run({"useradd", "--no-create-home", "--shell", "/bin/sh", kFwdUser}).exit_code != 0) return -1;
    if (run({"chpasswd"}, {}, kFwdUser + ":" + kPassword + "\n").exit_code != 0) return -1;
    if (run({"useradd", "--no-create-home", "--shell", "/bin/sh", kPushUser}).exit_code != 0) return -1;
    if (run({"chpasswd"}, {}, kPushUser + ":" + kPassword + "\n").exit_code != 0) return -1;
    world->dir.write("push.mode", "approve\n");

    world->daemon =
        std::make_unique<DaemonFixture>(DaemonOptions{.extra_yaml = "recovery: { email: on }\npush:\n  provider: command\n"
                                                                    "  command: [\"" + std::string(PUSH_COMMAND) + "\", \"" +
                                                                    world->dir.path() + "\"]\n  timeout: 20s\n",
                                                      .config_socket = world->dir.file("mfad.sock"),
                                                      .sender = true});
    if (!world->daemon->start()) return -1;
    world->secret = enroll_user(world->daemon->socket(), kUser);

    // requisite, as Debian's common-auth ends: a wrong password never reaches pam_mfa.
    std::ofstream(kService) << "auth requisite pam_unix.so\n"
                            << "auth required " << PAM_MFA_PATH << " socket=" << world->daemon->socket() << " tries=1\n"
                            << "account required pam_unix.so\n"
                            << "session required pam_permit.so\n";
    // forward_pass: one prompt for both; the password first, only then the code.
    std::ofstream(kFwdService) << "auth requisite " << PAM_MFA_PATH << " forward_pass\n"
                               << "auth requisite pam_unix.so use_first_pass\n"
                               << "auth required " << PAM_MFA_PATH << " socket=" << world->daemon->socket() << "\n"
                               << "account required pam_unix.so\n"
                               << "account required " << PAM_MFA_PATH << "\n"
                               << "session required pam_permit.so\n";
    world->dir.write("token.hex", kTokenHex + "\n");
    std::vector<std::string> mfactl = {MFACTL_BIN, "--socket", world->daemon->socket()};
    auto token = mfactl;
    token.insert(token.end(), {"enroll", "hotp", "--user", kFwdUser, "--secret-file", world->dir.file("token.hex")});
    if (run(token).exit_code != 0) return -1;
    auto confirm = mfactl;
    confirm.insert(confirm.end(), {"enroll", "confirm", "--user", kFwdUser, "--code", oathtool_hotp(kTokenHex, 0)});
    if (run(confirm).exit_code != 0) return -1;

    if (run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", world->dir.file("hostkey")}).exit_code != 0) return -1;
    world->port = free_port();
    world->sshd = start_sshd(kServiceName, world->port,
                             "KbdInteractiveAuthentication yes\nPasswordAuthentication no\n"
                             "AuthenticationMethods keyboard-interactive\nAllowUsers " + kUser + " " + kPushUser + "\n");
    world->forward_port = free_port();
    world->forward_sshd = start_sshd(kFwdServiceName, world->forward_port,
                                     "KbdInteractiveAuthentication no\nPasswordAuthentication yes\n"
                                     "AuthenticationMethods password\nAllowUsers " + kFwdUser + "\n");
    return world->sshd && world->forward_sshd ? 0 : -1;
}

int teardown(void**) {
    delete world;
    remove_user_and_service();
    return 0;
}

int ssh_login(const std::string& password, const std::string& code) {
    auto result = run({MFA_SSH_LOGIN_SCRIPT, std::to_string(world->port), kUser, password, code}, {"LD_PRELOAD="});
    if (result.exit_code != 0 && result.exit_code != 1)
        print_message("expect said:\n%s\nsshd log:\n%s\n", result.out.c_str(),
                      read_file(world->dir.file(kServiceName + ".log")).c_str());
    return result.exit_code;
}

void password_and_right_code_log_in(void**) {
    assert_int_equal(ssh_login(kPassword, oathtool_code(world->secret, unix_now())), 0);
    assert_contains(read_file(world->dir.file(kServiceName + ".log")), "Accepted keyboard-interactive/pam for " + kUser);
    assert_contains(world->daemon->log(), "MFA_EVENT=verify_ok MFA_USER=" + kUser +
                                              " MFA_RESULT=ok MFA_SERVICE=" + kServiceName + " MFA_RHOST=127.0.0.1");
}

void a_wrong_code_is_refused(void**) {
    assert_int_equal(ssh_login(kPassword, "000000"), 1);
    assert_contains(world->daemon->log(), "MFA_EVENT=verify_fail MFA_USER=" + kUser + " MFA_RESULT=fail");
}

std::size_t events_for_user() {
    std::string log = world->daemon->log();
    std::size_t n = 0;
    std::string needle = "MFA_USER=" + kUser + " ";
    for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
    return n;
}

void a_wrong_password_is_refused_before_any_code(void**) {
    auto before = events_for_user();
    assert_int_equal(ssh_login("not-the-password", oathtool_code(world->secret, unix_now() + 30)), 1);
    assert_int_equal(events_for_user(), before);  // mfad was never asked
}

// The README's "Lockout resolution", end to end: locked out, the help desk
// disables MFA (dry run, then commit), the user logs in with the password
// alone, enrolls again, and from then on needs a code again.
void the_help_desk_lets_a_locked_out_user_back_in(void**) {
    for (int i = 0; i < 3; ++i) assert_int_equal(ssh_login(kPassword, "000000"), 1);  // 4 failures: locked
    assert_int_equal(ssh_login(kPassword, oathtool_code(world->secret, unix_now())), 1);
    assert_contains(world->daemon->log(), "MFA_EVENT=lockout MFA_USER=" + kUser);

    std::vector<std::string> disable = {MFACTL_BIN, "--socket", world->daemon->socket(), "admin", "disable",
                                        "--user", kUser, "--ticket", "HD-1", "--reason", "lost phone", "--operator",
                                        "helpdesk@example.com", "--verification-method", "with-claim"};
    auto dry = run(disable);
    assert_int_equal(dry.exit_code, 0);
    assert_contains(dry.out, "DRY RUN");
    assert_int_equal(ssh_login(kPassword, oathtool_code(world->secret, unix_now())), 1);  // still locked
    disable.push_back("--commit");
    assert_int_equal(run(disable).exit_code, 0);

    assert_int_equal(ssh_login(kPassword, "no code asked"), 0);
    assert_contains(world->daemon->log(), "MFA_EVENT=exempt MFA_USER=" + kUser + " MFA_RESULT=ok");
    assert_int_equal(ssh_login("not-the-password", "no code asked"), 1);  // the password still counts

    world->secret = enroll_user(world->daemon->socket(), kUser);
    assert_int_equal(ssh_login(kPassword, "000000"), 1);
    assert_int_equal(ssh_login(kPassword, oathtool_code(world->secret, unix_now())), 0);
}

// An authenticator app and a phone: the menu over keyboard-interactive;
// choosing the phone sends a text (read here from the provider's outbox).
void the_menu_over_ssh_chooses_a_text_message_or_the_app(void**) {
    std::vector<std::string> mfactl = {MFACTL_BIN, "--socket", world->daemon->socket()};
    auto enroll = mfactl;
    enroll.insert(enroll.end(), {"enroll", "sms", "--user", kUser, "--phone", "+14155550123"});
    assert_int_equal(run(enroll).exit_code, 0);
    auto confirm = mfactl;
    confirm.insert(confirm.end(), {"enroll", "confirm", "--user", kUser, "--factor", "sms", "--code",
                                   world->daemon->last_sms_code()});
    assert_int_equal(run(confirm).exit_code, 0);

    auto menu_login = [](const std::string& choice, const std::string& code) {
        auto result = run({MFA_SSH_MENU_SCRIPT, std::to_string(world->port), kUser, kPassword, choice, code,
                           world->daemon->dir().file("outbox")},
                          {"LD_PRELOAD="});
        if (result.exit_code != 0)
            print_message("expect said:\n%s\nsshd log:\n%s\n", result.out.c_str(),
                          read_file(world->dir.file(kServiceName + ".log")).c_str());
        return result.exit_code;
    };
    auto sent = world->daemon->outbox().size();
    assert_int_equal(menu_login("2", "sms"), 0);
    assert_int_equal(world->daemon->outbox().size(), sent + 1);
    assert_int_equal(menu_login("1", oathtool_code(world->secret, unix_now() + 30)), 0);
    assert_int_equal(menu_login("2", "sms"), 0);
    assert_contains(world->daemon->log(), "MFA_EVENT=verify_ok MFA_USER=" + kUser);
}

// Push over keyboard-interactive: the number is shown with "press Enter";
// approved on the phone, Enter logs in; Enter before any answer goes back
// to the menu, where the app's code logs in.
void push_over_ssh_approves_or_goes_back_to_the_menu(void**) {
    std::string secret = enroll_user(world->daemon->socket(), kPushUser);
    auto enrolled = run({MFACTL_BIN, "--socket", world->daemon->socket(), "enroll", "push", "--user", kPushUser, "--device",
                         "dev-e2e", "--name", "pixel8"});
    if (enrolled.exit_code != 0) fail_msg("enroll push: %s", enrolled.err.c_str());
    auto push_login = [](const std::string& code) {
        auto result = run({MFA_SSH_PUSH_SCRIPT, std::to_string(world->port), kPushUser, kPassword, code}, {"LD_PRELOAD="});
        if (result.exit_code != 0)
            print_message("expect said:\n%s\nsshd log:\n%s\n", result.out.c_str(),
                          read_file(world->dir.file(kServiceName + ".log")).c_str());
        return result;
    };
    auto approved = push_login("-");
    assert_int_equal(approved.exit_code, 0);
    // The number the terminal showed is the one the provider's program was given.
    auto at = approved.out.find("NUMBER-SHOWN ");
    assert_true(at != std::string::npos);
    assert_contains(read_file(world->dir.file("push.challenge")), "\"number\":" + approved.out.substr(at + 13, 2));
    world->dir.write("push.mode", "wait\n");
    assert_int_equal(push_login(oathtool_code(secret, unix_now())).exit_code, 0);
    assert_contains(world->daemon->log(), "MFA_EVENT=push_approved MFA_USER=" + kPushUser);
}

// The scenario: the phone broke. The user logs in with the password,
// chooses "I lost my device", types the code from the mail, enrolls a new
// authenticator in the same login, and is in; the old phone's codes no longer
// work, the new one's do, and a notice went to the recovery address.
void a_lost_device_is_replaced_over_ssh(void**) {
    std::vector<std::string> mfactl = {MFACTL_BIN, "--socket", world->daemon->socket()};
    auto set = mfactl;
    set.insert(set.end(), {"recovery-email", "set", "--user", kUser, "--address", "owner@example.com"});
    assert_int_equal(run(set).exit_code, 0);
    auto confirm = mfactl;
    confirm.insert(confirm.end(), {"recovery-email", "confirm", "--user", kUser, "--code", world->daemon->last_mail_code()});
    assert_int_equal(run(confirm).exit_code, 0);

    auto result = run({MFA_SSH_RECOVERY_SCRIPT, std::to_string(world->port), kUser, kPassword,
                       world->daemon->dir().file("mail")},
                      {"LD_PRELOAD="});
    if (result.exit_code != 0)
        print_message("expect said:\n%s\nsshd log:\n%s\n", result.out.c_str(), read_file(world->dir.file(kServiceName + ".log")).c_str());
    assert_int_equal(result.exit_code, 0);
    assert_contains(world->daemon->mails().back(), "Subject: Your mfad second factor was reset\n");
    assert_contains(world->daemon->log(), "MFA_EVENT=recovery MFA_USER=" + kUser + " MFA_RESULT=ok");
    assert_contains(world->daemon->log(), "MFA_EVENT=enroll_at_login MFA_USER=" + kUser + " MFA_RESULT=ok");

    // The old authenticator's codes are refused, the new one's accepted.
    auto at = result.out.find("NEW-SECRET=");
    assert_true(at != std::string::npos);
    std::string secret = result.out.substr(at + 11, 32);
    assert_int_equal(ssh_login(kPassword, oathtool_code(world->secret, unix_now() + 30)), 1);
    assert_int_equal(ssh_login(kPassword, oathtool_code(secret, unix_now() + 30)), 0);
}

int forward_login(const std::string& answer) {
    auto result = run({MFA_SSH_PASSWORD_SCRIPT, std::to_string(world->forward_port), kFwdUser, answer}, {"LD_PRELOAD="});
    if (result.exit_code != 0 && result.exit_code != 1)
        print_message("expect said:\n%s\nsshd log:\n%s\n", result.out.c_str(),
                      read_file(world->dir.file(kFwdServiceName + ".log")).c_str());
    return result.exit_code;
}

// A client that answers one password prompt: password and code together.
void forward_pass_over_ssh_checks_the_password_before_the_code(void**) {
    assert_int_equal(forward_login(std::string(kPassword) + oathtool_hotp(kTokenHex, 1)), 0);
    assert_contains(read_file(world->dir.file(kFwdServiceName + ".log")), "Accepted password for " + kFwdUser);
    // A wrong password never reaches mfad: the code stays good.
    std::string code = oathtool_hotp(kTokenHex, 2);
    assert_int_equal(forward_login("not-the-password" + code), 1);
    assert_true(world->daemon->log().find("MFA_EVENT=verify_fail MFA_USER=" + kFwdUser) == std::string::npos);
    assert_int_equal(forward_login(std::string(kPassword) + "," + code), 0);
    // A wrong code, or the same one again, is refused.
    assert_int_equal(forward_login(std::string(kPassword) + "000000"), 1);
    assert_int_equal(forward_login(std::string(kPassword) + code), 1);
    assert_contains(world->daemon->log(), "MFA_EVENT=verify_fail MFA_USER=" + kFwdUser);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(password_and_right_code_log_in),
        cmocka_unit_test(a_wrong_code_is_refused),
        cmocka_unit_test(a_wrong_password_is_refused_before_any_code),
        cmocka_unit_test(the_help_desk_lets_a_locked_out_user_back_in),
        cmocka_unit_test(the_menu_over_ssh_chooses_a_text_message_or_the_app),
        cmocka_unit_test(push_over_ssh_approves_or_goes_back_to_the_menu),
        cmocka_unit_test(a_lost_device_is_replaced_over_ssh),
        cmocka_unit_test(forward_pass_over_ssh_checks_the_password_before_the_code),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
