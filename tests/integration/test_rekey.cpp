// mfactl admin rekey against a real mfad: every sealed secret (authenticator,
// OATH token, phone, recovery address) moves to the new key in batches while
// logins go on; a crash midway resumes; the audit chain stays whole; the old
// key is refused once it is no longer the key, and the new one is required.
#include <signal.h>
#include <sys/stat.h>

#include <sstream>
#include <thread>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"
#include "store/sqlite_handle.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

DaemonFixture* fx = nullptr;
std::vector<std::pair<std::string, std::string>> users;  // name, TOTP secret
const std::string kKeyHex = "3132333435363738393031323334353637383930";
std::uint64_t hotp_counter = 0;
long shifted = 0;  // mfad's clock, moved on so each round of logins has unused steps

std::vector<std::string> user_names() {
    std::vector<std::string> names = {"phoned", "tokened"};
    for (int i = 0; i < 40; ++i) names.push_back("rk" + std::to_string(i));
    return names;
}

Finished mfactl(std::vector<std::string> args) {
    args.insert(args.begin(), {MFACTL_BIN, "--socket", fx->socket()});
    return run(args);
}

int start(void**) {
    // Small, paced batches: 45 blobs take several, so a login and a crash fit between them.
    fx = new DaemonFixture({.extra_yaml = "rekey: { batch: 4, pause_ms: 250 }\nrecovery: { email: on }\n",
                            .users = user_names(),
                            .fake_clock = true,
                            .sender = true});
    if (!fx->start()) return -1;
    for (int i = 0; i < 40; ++i) {
        std::string name = "rk" + std::to_string(i);
        users.emplace_back(name, enroll_user(fx->socket(), name));
    }
    // A phone, a token and a recovery address are sealed too.
    users.emplace_back("phoned", enroll_user(fx->socket(), "phoned"));
    if (mfactl({"enroll", "sms", "--user", "phoned", "--phone", "+14155550123"}).exit_code != 0) return -1;
    if (mfactl({"enroll", "confirm", "--user", "phoned", "--factor", "sms", "--code", fx->last_sms_code()}).exit_code != 0) return -1;
    if (mfactl({"recovery-email", "set", "--user", "phoned", "--address", "phoned@example.com"}).exit_code != 0) return -1;
    if (mfactl({"recovery-email", "confirm", "--user", "phoned", "--code", fx->last_mail_code()}).exit_code != 0) return -1;
    fx->dir().write("token.hex", kKeyHex + "\n");
    if (mfactl({"enroll", "hotp", "--user", "tokened", "--secret-file", fx->dir().file("token.hex")}).exit_code != 0) return -1;
    if (mfactl({"enroll", "confirm", "--user", "tokened", "--code", oathtool_hotp(kKeyHex, 0)}).exit_code != 0) return -1;
    return 0;
}

int stop(void**) {
    delete fx;
    return 0;
}

std::string new_key(const std::string& name) {
    std::string path = fx->dir().file(name);
    unlink(path.c_str());
    auto made = run({MFAD_BIN, "--generate-key", path});
    if (made.exit_code != 0) fail_msg("%s", made.err.c_str());
    return path;
}

// Sealed blobs in the store not made with key `id_hex`.
long long sealed_with_other_keys(const std::string& id_hex) {
    auto db = mfa::daemon::sqlite::Database::open(fx->dir().file("state/mfad.db"));
    if (!db) fail_msg("%s", db.error().message.c_str());
    auto count = [&](const std::string& table, const std::string& column) {
        std::string sql = "SELECT count(*) FROM " + table + " WHERE substr(" + column + ", 2, 8) != x'" + id_hex + "'";
        return *db->query_int(sql);
    };
    return count("factors", "sealed_secret") + count("recovery_emails", "sealed_address");
}

std::string field(const std::string& text, const std::string& label) {
    auto at = text.find(label);
    if (at == std::string::npos) return {};
    at += label.size();
    return text.substr(at, text.find_first_of(" (:\n", at) - at);
}

// One login of `name` with a code for mfad's now (moved on since the last round).
std::optional<MessageType> log_in(const std::string& name, const std::string& secret) {
    LoginClient login(fx->socket());
    if (login.begin(name) != MessageType::step) fail_msg("%s: %s", name.c_str(), login.last_error().c_str());
    return login.answer(oathtool_code(secret, unix_now() + shifted));
}

// Every user logs in (TOTP, and the token's next press), in steps none has used.
void everyone_logs_in() {
    shifted += 90;
    fx->shift_clock(shifted);
    for (const auto& [name, secret] : users)
        if (log_in(name, secret) != MessageType::allow) fail_msg("%s was not let in", name.c_str());
    LoginClient token(fx->socket());
    assert_true(token.begin("tokened") == MessageType::step);
    assert_true(token.answer(oathtool_hotp(kKeyHex, ++hotp_counter)) == MessageType::allow);
}

std::string audit_verify() { return mfactl({"audit", "verify"}).out; }

void logins_go_on_while_every_secret_is_resealed(void**) {
    std::string key = new_key("second.key");
    Child rekey({MFACTL_BIN, "--socket", fx->socket(), "admin", "rekey", "--new-key", key}, {}, fx->dir().file("rekey.err"));
    // Logins during the rotation (it takes over a second): each user once.
    shifted += 90;
    fx->shift_clock(shifted);
    int during = 0;
    for (const auto& [name, secret] : users) {
        if (log_in(name, secret) != MessageType::allow) fail_msg("%s was not let in during the rotation", name.c_str());
        if (rekey.running()) ++during;
    }
    assert_true(during > 0);  // they really overlapped
    assert_int_equal(rekey.wait(std::chrono::seconds(30)), 0);
    auto status = mfactl({"admin", "rekey", "--status"});
    assert_contains(status.out, "The old key");
    assert_contains(status.out, "is no longer needed");
    std::string new_id = field(status.out, "sealed under key ");
    assert_int_equal(new_id.size(), 16);
    assert_int_equal(sealed_with_other_keys(new_id), 0);
    assert_contains(audit_verify(), "audit chain intact");
    auto rows = mfactl({"audit", "list", "--event", "rekey_done"}).out;
    assert_contains(rows, "resealed=44");  // 41 apps, a phone, a token and a recovery address
    // The new key never enters the database: it waits beside it, sealed under the old.
    std::string waiting = fx->dir().file("state/mfad.db.newkey");
    assert_true(access(waiting.c_str(), F_OK) == 0);
    auto db_bytes = read_file(fx->dir().file("state/mfad.db")) + read_file(fx->dir().file("state/mfad.db-wal"));
    assert_true(db_bytes.find(read_file(key)) == std::string::npos);
    // A restart before the new key is installed still starts, and everyone gets in.
    assert_true(fx->restart(SIGTERM));
    assert_contains(fx->log(), "install the new key");
    everyone_logs_in();
    // Installed, the new key starts it; the waiting copy is destroyed and the rotation is over.
    assert_int_equal(rename(key.c_str(), fx->dir().file("mfad.key").c_str()), 0);
    assert_true(fx->restart(SIGTERM));
    assert_false(access(waiting.c_str(), F_OK) == 0);
    everyone_logs_in();
    assert_contains(mfactl({"admin", "rekey", "--status"}).out, "No key rotation is under way");
    assert_contains(mfactl({"audit", "list", "--event", "rekey_installed"}).out, "rekey_installed");
    assert_contains(audit_verify(), "audit chain intact");
}

// "Re-sealing under key ID: N done, M left." → N (0 when not under way).
long long resealed_so_far(const std::string& status) {
    auto at = status.find("Re-sealing under key ");
    if (at == std::string::npos) return 0;
    auto colon = status.find(": ", at);
    return std::stoll(status.substr(colon + 2));
}

void a_crash_midway_resumes_where_it_stopped(void**) {
    std::string key = new_key("third.key");
    Child rekey({MFACTL_BIN, "--socket", fx->socket(), "admin", "rekey", "--new-key", key}, {}, fx->dir().file("rekey2.err"));
    std::string status;
    for (int i = 0; i < 500 && resealed_so_far(status) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        status = mfactl({"admin", "rekey", "--status"}).out;
    }
    std::string new_id = field(status, "Re-sealing under key ");
    assert_int_equal(new_id.size(), 16);
    assert_true(sealed_with_other_keys(new_id) > 0);  // midway: some re-sealed, some not
    assert_true(fx->restart(SIGKILL));  // a crash; mfad comes back with the old key file and the stored new key
    rekey.wait(std::chrono::seconds(5));
    // Another key cannot start while this rotation is unfinished.
    auto other = mfactl({"admin", "rekey", "--new-key", new_key("fourth.key")});
    assert_int_equal(other.exit_code, 1);
    assert_contains(other.err, "is unfinished");
    // Given the new key before the rotation is done, mfad will not start: the
    // secrets not yet re-sealed need the old one.
    std::string old_key = read_file(fx->dir().file("mfad.key"));
    fx->dir().write("mfad.key", read_file(key), 0600);
    assert_false(fx->restart(SIGTERM));
    assert_contains(fx->log(), "is unfinished and mfad was given the new key");
    fx->dir().write("mfad.key", old_key, 0600);
    // The waiting copy lost as well: mfad starts with the old key, says what
    // it needs, and the same command with the same key goes on.
    assert_true(fx->restart(SIGTERM));
    unlink(fx->dir().file("state/mfad.db.newkey").c_str());
    assert_true(fx->restart(SIGTERM));
    auto stopped = mfactl({"admin", "rekey", "--status"});
    assert_int_equal(stopped.exit_code, 1);
    assert_contains(stopped.out, "run mfactl admin rekey --new-key FILE again");
    auto again = mfactl({"admin", "rekey", "--new-key", key});
    if (again.exit_code != 0) fail_msg("%s%s", again.out.c_str(), again.err.c_str());
    assert_contains(again.out, "no longer needed");
    assert_int_equal(sealed_with_other_keys(new_id), 0);
    everyone_logs_in();
    assert_contains(audit_verify(), "audit chain intact");
}

void refusals(void**) {
    fx->dir().write("short.key", "0123456789", 0600);
    auto short_key = mfactl({"admin", "rekey", "--new-key", fx->dir().file("short.key")});
    assert_int_equal(short_key.exit_code, 1);
    assert_contains(short_key.err, "a key is 32 bytes");
    fx->dir().write("open.key", std::string(32, 'k'), 0644);
    auto open_key = mfactl({"admin", "rekey", "--new-key", fx->dir().file("open.key")});
    assert_int_equal(open_key.exit_code, 1);
    assert_contains(open_key.err, "mode 0644");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(logins_go_on_while_every_secret_is_resealed),
        cmocka_unit_test(a_crash_midway_resumes_where_it_stopped),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
