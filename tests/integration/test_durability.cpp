// durability: full syncs the WAL on a thread of its own (store/wal_sync.hpp).
// On a disk that hangs, an answer still comes within the store's 2 s deadline,
// as an outage the module denies whatever fail_mode says (its own 10 s timeout
// would have let fail_mode=open through). On a disk that fails, that login and
// every later change is refused, and nothing more is committed.
#include <csignal>
#include <fstream>

#include "cmocka.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "login_client.hpp"
#include "process.hpp"

using namespace mfa::test;
using mfa::wire::MessageType;

namespace {

struct FaultyDisk {
    FaultyDisk()
        : fx(DaemonOptions{.extra_yaml = "durability: full\n",
                           .env = {"MFA_TEST_SYNC_HANG=" + scratch.file("hang"), "MFA_TEST_SYNC_FAIL=" + scratch.file("fail")},
                           .preload = MFA_SYNC_FAULT}) {
        if (!fx.start()) fail_msg("mfad did not start: %s", fx.log().c_str());
        secret = enroll_user(fx.socket(), "alice");
    }
    void set(const std::string& fault, bool on) {
        if (on) std::ofstream(scratch.file(fault)) << "1\n";
        else std::remove(scratch.file(fault).c_str());
    }
    // The code of `step` steps from now.
    std::string code(int step) const { return oathtool_code(secret, unix_now() + 30 * step); }
    // BEGIN and ANSWER with `answer`.
    std::optional<MessageType> login(LoginClient& client, const std::string& answer) {
        if (client.begin("alice") != MessageType::step) fail_msg("begin: %s", client.last_error().c_str());
        return client.answer(answer);
    }
    int ping() { return run({MFACTL_BIN, "--socket", fx.socket(), "ping"}).exit_code; }
    TempDir scratch;  // before fx: the files outlive mfad
    DaemonFixture fx;
    std::string secret;
};

void a_hung_disk_is_an_outage_within_the_deadline(void**) {
    FaultyDisk disk;
    disk.set("hang", true);
    LoginClient client(disk.fx.socket());
    auto started = std::chrono::steady_clock::now();
    auto answer = disk.login(client, disk.code(0));
    auto waited = std::chrono::steady_clock::now() - started;
    assert_int_equal(disk.ping(), 1);  // the store is reported unreachable meanwhile
    disk.set("hang", false);
    assert_false(answer.has_value());
    assert_contains(client.last_error(), "did not confirm within 2 s");
    // Answered by the 2 s deadline, well before the module's 10 s timeout
    // (which fail_mode=open lets through); the margin is for a loaded machine.
    assert_true(waited < std::chrono::seconds(8));
    assert_contains(disk.fx.log(), "store not answering");
    // The disk answers again: so does mfad, with the next step's code (the
    // first was spent: its commit was made, only its sync was late).
    LoginClient again(disk.fx.socket());
    assert_int_equal(disk.login(again, disk.code(1)).value_or(MessageType::error), MessageType::allow);
    assert_contains(disk.fx.log(), "store answering again");
    assert_int_equal(disk.ping(), 0);
}

void a_failed_sync_refuses_this_and_every_later_change(void**) {
    FaultyDisk disk;
    disk.set("fail", true);
    LoginClient client(disk.fx.socket());
    assert_false(disk.login(client, disk.code(0)).has_value());
    assert_contains(client.last_error(), "the disk did not confirm a write");
    assert_contains(disk.fx.log(), "store unreachable: the disk did not confirm a write");
    // The disk "recovers": mfad does not trust it again before a restart.
    disk.set("fail", false);
    assert_int_equal(disk.ping(), 1);
    std::string next = disk.code(1);  // one code for both tries, whatever the clock does between them
    LoginClient later(disk.fx.socket());
    assert_false(disk.login(later, next).has_value());
    assert_contains(later.last_error(), "the disk did not confirm a write");
    // Nothing was committed after the failure: after a restart, that code,
    // refused above, is still unspent.
    assert_true(disk.fx.restart(SIGTERM));
    LoginClient restarted(disk.fx.socket());
    assert_int_equal(disk.login(restarted, next).value_or(MessageType::error), MessageType::allow);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_hung_disk_is_an_outage_within_the_deadline),
        cmocka_unit_test(a_failed_sync_refuses_this_and_every_later_change),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
