// pam_mfa.so through real libpam under pam_wrapper: every return-code path.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

extern "C" {
#include <libpamtest.h>
}
#include <security/pam_appl.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <cstring>

#include "cmocka.hpp"
#include "suite_daemon.hpp"
#include "enrollment.hpp"
#include "fake_server.hpp"
#include "mfa/base32.hpp"
#include "mfa/otp.hpp"
#include "mfa/wire/login_messages.hpp"
#include "pam_call.hpp"
#include "raw_client.hpp"

using namespace mfa::test;

namespace {

const std::string kRun = MFA_PAM_RUN_DIR;
int start_daemon(void**) {
    mkdir(kRun.c_str(), 0755);
    return start_suite_daemon(
        {.extra_yaml = "lockout: { max_failures: 4, duration: 5m }\n", .config_socket = kRun + "/mfad.sock"});
}

// What one pam_authenticate saw: its result and the messages it showed.
struct Login {
    int rc = -1;
    std::string errors;
    std::string infos;
};

Login pam_login(const char* service, const char* user, std::vector<std::string> codes, int flags = 0) {
    std::vector<const char*> answers;
    for (auto& c : codes) answers.push_back(c.c_str());
    answers.push_back(nullptr);
    std::vector<std::vector<char>> err_storage(16, std::vector<char>(PAM_MAX_MSG_SIZE));
    std::vector<std::vector<char>> info_storage(16, std::vector<char>(PAM_MAX_MSG_SIZE));
    std::vector<char*> errs, infos;
    for (auto& b : err_storage) errs.push_back(b.data());
    for (auto& b : info_storage) infos.push_back(b.data());
    errs.push_back(nullptr);
    infos.push_back(nullptr);
    pamtest_conv_data conv{answers.data(), nullptr, errs.data(), infos.data()};
    struct pam_testcase tests[] = {pam_test_flags(PAMTEST_AUTHENTICATE, PAM_SUCCESS, flags)};
    run_pamtest(service, user, &conv, tests, nullptr);
    Login out{tests[0].op_rv, "", ""};
    for (auto& b : err_storage) out.errors += b.data();
    for (auto& b : info_storage) out.infos += b.data();
    return out;
}

int raw_call(const char* entry, const char* user, std::vector<const char*> args, std::vector<std::string> codes = {}) {
    return call_pam_mfa(user, std::vector<std::string>(args.begin(), args.end()), codes, 0, entry).rc;
}

std::string socket_arg(const std::string& name) { return "socket=" + kRun + "/" + name; }

void only_pam_sm_symbols_are_exported(void**) {
    auto symbols = run({"nm", "-D", "--defined-only", PAM_MFA_PATH}, {"LD_PRELOAD="});
    assert_int_equal(symbols.exit_code, 0);
    std::string names;
    for (std::size_t at = 0; at < symbols.out.size();) {
        auto end = symbols.out.find('\n', at);
        auto line = symbols.out.substr(at, end - at);
        names += line.substr(line.rfind(' ') + 1) + " ";
        at = end + 1;
    }
    assert_str_eq(names, "pam_sm_acct_mgmt pam_sm_authenticate pam_sm_setcred ");
    void* module = dlopen(PAM_MFA_PATH, RTLD_NOW | RTLD_LOCAL);
    assert_non_null(module);
    assert_null(dlsym(module, "_ZN3mfa4wire6Client7connectERKNS0_13ClientOptionsE"));
    dlclose(module);
}

void a_right_code_logs_in_once(void**) {
    auto secret = enroll_user(suite_daemon().socket(), "alice");
    auto now = unix_now();
    auto code = oathtool_code(secret, now);
    assert_int_equal(pam_login("mfa", "alice", {code}).rc, PAM_SUCCESS);
    // The same time step again: replay.
    auto replay = pam_login("mfa_one_try", "alice", {code});
    assert_int_equal(replay.rc, PAM_AUTH_ERR);
    assert_int_equal(pam_login("mfa", "alice", {oathtool_code(secret, now + 30)}).rc, PAM_SUCCESS);
}

void wrong_codes_use_up_the_tries(void**) {
    auto secret = enroll_user(suite_daemon().socket(), "bob");
    auto wrong = pam_login("mfa", "bob", {"000000", "111111", "222222"});
    assert_int_equal(wrong.rc, PAM_MAXTRIES);
    assert_contains(wrong.errors, "Wrong code, try again.");
    // Three failures of the four allowed; a right code resets the count.
    auto now = unix_now();
    assert_int_equal(pam_login("mfa", "bob", {oathtool_code(secret, now)}).rc, PAM_SUCCESS);
    // Two wrong, then right, in one login: success.
    assert_int_equal(pam_login("mfa", "bob", {"000000", "999999", oathtool_code(secret, now + 30)}).rc, PAM_SUCCESS);
    assert_int_equal(pam_login("mfa_one_try", "bob", {"123456"}).rc, PAM_AUTH_ERR);
    assert_int_equal(pam_login("mfa", "bob", {"", "x"}).rc, PAM_AUTH_ERR);  // no code given
}

void the_lock_holds_against_the_right_code(void**) {
    auto secret = enroll_user(suite_daemon().socket(), "carol");
    assert_int_equal(pam_login("mfa", "carol", {"000000", "000001", "000002"}).rc, PAM_MAXTRIES);
    auto fourth = pam_login("mfa_one_try", "carol", {"000003"});
    assert_int_equal(fourth.rc, PAM_AUTH_ERR);
    assert_contains(fourth.errors, "locked for 5 minutes");

    auto right = pam_login("mfa", "carol", {oathtool_code(secret, unix_now())});
    assert_int_equal(right.rc, PAM_AUTH_ERR);
    assert_contains(right.errors, "locked for 5 minutes");
    auto silent = pam_login("mfa", "carol", {oathtool_code(secret, unix_now())}, PAM_SILENT);
    assert_int_equal(silent.rc, PAM_AUTH_ERR);
    assert_str_eq(silent.errors, "");
}

// The code, kept only masked (each byte ^ kMask), so the test holds no plain copy.
constexpr unsigned char kMask = 0x5a;

// Where the process can write, it holds no plain copy of `masked` (unmasked).
// Read through /proc/self/mem: no fault on a guard page, and no sanitizer
// report for freed heap. Mappings over 1 GiB (ASan's shadow) hold no data of ours.
bool memory_holds(const std::string& masked) {
    // Compared byte by byte through the mask: an unmasked needle would find itself.
    auto holds_at = [&](const char* p) {
        for (std::size_t k = 0; k < masked.size(); ++k)
            if ((static_cast<unsigned char>(p[k]) ^ kMask) != static_cast<unsigned char>(masked[k])) return false;
        return true;
    };
    int mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
    if (mem < 0) fail_msg("cannot open /proc/self/mem");
    std::ifstream maps("/proc/self/maps");
    std::vector<char> chunk;
    bool found = false;
    for (std::string line; !found && std::getline(maps, line);) {
        std::istringstream fields(line);
        std::string range, perms;
        fields >> range >> perms;
        if (perms.size() < 2 || perms[0] != 'r' || perms[1] != 'w') continue;
        auto low = std::stoull(range.substr(0, range.find('-')), nullptr, 16);
        auto high = std::stoull(range.substr(range.find('-') + 1), nullptr, 16);
        if (high - low > (1ull << 30)) continue;
        chunk.resize(high - low);
        auto got = pread(mem, chunk.data(), chunk.size(), static_cast<off_t>(low));
        for (std::size_t i = 0; !found && got > 0 && i + masked.size() <= static_cast<std::size_t>(got); ++i)
            found = holds_at(chunk.data() + i);
        explicit_bzero(chunk.data(), chunk.size());
    }
    close(mem);
    return found;
}

// When pam_sm_authenticate returns, no copy of the typed code is left
// anywhere the process can write (stack, heap): not the PAM response, not a
// std::string, not the encoded frame. Looked at before pam_end and dlclose
// can overwrite what the module left.
void no_copy_of_the_code_is_left_in_memory(void**) {
    auto secret = mfa::base32::decode(enroll_user(suite_daemon().socket(), "heidi"));
    assert_true(secret.ok());
    auto code = mfa::otp::totp(*secret, unix_now(), 30, 6, mfa::otp::Algorithm::sha1);
    assert_true(code.ok());
    std::string masked = *code;
    for (auto& c : masked) c = static_cast<char>(static_cast<unsigned char>(c) ^ kMask);
    std::vector<std::string> answers(1);  // no initializer list: its temporary copy would stay on the stack
    answers[0].assign(code->data(), code->size());
    explicit_bzero(code->data(), code->size());
    bool left_behind = true;
    auto login = call_pam_mfa("heidi", {socket_arg("mfad.sock")}, answers, 0, "pam_sm_authenticate", {}, [&] {
        assert_true(memory_holds(masked));  // the scan sees the test's own copy...
        explicit_bzero(answers[0].data(), answers[0].size());  // ...which it wipes now
        left_behind = memory_holds(masked);
    });
    assert_int_equal(login.rc, PAM_SUCCESS);
    assert_false(left_behind);
}

void not_enrolled_is_denied_or_ignored_with_nullok(void**) {
    auto denied = pam_login("mfa", "dave", {});
    assert_int_equal(denied.rc, PAM_AUTH_ERR);
    assert_contains(denied.errors, "none is set up for this account");
    std::string sock = socket_arg("mfad.sock");
    assert_int_equal(raw_call("pam_sm_authenticate", "dave", {sock.c_str(), "nullok"}), PAM_IGNORE);
    assert_int_equal(raw_call("pam_sm_authenticate", "dave", {sock.c_str()}), PAM_AUTH_ERR);
}

void a_backup_code_works_at_the_prompt(void**) {
    enroll_user(suite_daemon().socket(), "erin");
    auto codes = new_backup_codes(suite_daemon().socket(), "erin");
    for (std::size_t i = 0; i < 5; ++i) {
        auto login = pam_login("mfa", "erin", {codes[i]});
        assert_int_equal(login.rc, PAM_SUCCESS);
        assert_str_eq(login.infos, "");
    }
    auto sixth = pam_login("mfa", "erin", {codes[5]});
    assert_int_equal(sixth.rc, PAM_SUCCESS);
    assert_str_eq(sixth.infos, "Backup code accepted. 2 left: make a new set with 'mfactl backup-codes generate'.");
    assert_str_eq(pam_login("mfa", "erin", {codes[6]}, PAM_SILENT).infos, "");  // PAM_SILENT: no message
    assert_int_equal(pam_login("mfa_one_try", "erin", {codes[0]}).rc, PAM_AUTH_ERR);  // used already
}

void a_help_desk_disable_steps_aside(void**) {
    enroll_user(suite_daemon().socket(), "fern");
    auto disabled = run({MFACTL_BIN, "--socket", suite_daemon().socket(), "admin", "disable", "--user", "fern",
                         "--ticket", "HD-1", "--reason", "lost phone", "--operator", "op@example.com",
                         "--verification-method", "with-claim", "--commit"});
    assert_int_equal(disabled.exit_code, 0);
    std::string sock = socket_arg("mfad.sock");
    // PAM_IGNORE even without nullok: the password decides, never pam_mfa alone.
    assert_int_equal(raw_call("pam_sm_authenticate", "fern", {sock.c_str()}), PAM_IGNORE);
    auto login = pam_login("mfa", "fern", {});
    assert_int_not_equal(login.rc, PAM_SUCCESS);
    assert_contains(login.infos, "disabled by the help desk until ");
}

void daemon_down_fails_closed_unless_fail_mode_open(void**) {
    assert_int_equal(pam_login("mfa_down", "alice", {"123456"}).rc, PAM_AUTHINFO_UNAVAIL);
    std::string sock = socket_arg("absent.sock");
    assert_int_equal(raw_call("pam_sm_authenticate", "alice", {sock.c_str(), "fail_mode=open"}), PAM_IGNORE);
    assert_int_equal(raw_call("pam_sm_authenticate", "alice", {sock.c_str(), "fail_mode=secure"}), PAM_AUTHINFO_UNAVAIL);
}

void a_hung_daemon_times_out(void**) {
    FakeServer hung(kRun + "/hung.sock", FakeServer::Mode::hang);
    auto started = std::chrono::steady_clock::now();
    assert_int_equal(pam_login("mfa_hung", "alice", {"123456"}).rc, PAM_AUTHINFO_UNAVAIL);
    auto took = std::chrono::steady_clock::now() - started;
    assert_true(took >= std::chrono::milliseconds(900));
    assert_true(took < std::chrono::seconds(3));
}

void a_garbage_reply_is_unavailable(void**) {
    FakeServer garbage(kRun + "/garbage.sock", FakeServer::Mode::garbage);
    assert_int_equal(pam_login("mfa_garbage", "alice", {"123456"}).rc, PAM_AUTHINFO_UNAVAIL);
}

// A well-framed reply whose one field claims more bytes than the payload holds.
std::vector<std::uint8_t> broken_frame(mfa::wire::MessageType type, std::uint32_t id) {
    auto frame = mfa::wire::encode(mfa::wire::Done{"x"}, id, type);
    auto bytes = frame_bytes(frame);
    bytes.at(19) = 0x05;  // the field's length (payload bytes 2-3), was 1
    return bytes;
}

// A well-framed EXEMPT or ALLOW whose payload does not decode must not let
// anyone in: a broken EXEMPT is a broken daemon (fail closed), a broken ALLOW
// a failed login; never PAM_IGNORE or PAM_SUCCESS.
void a_malformed_exempt_or_allow_fails_closed(void**) {
    using mfa::wire::MessageType;
    auto hello_ok = mfa::wire::encode(mfa::wire::HelloOk{mfa::wire::kProtocolMax, "fake"}, 1);
    auto challenge = mfa::wire::encode(mfa::wire::Step{7, "", "", "Code: ", false}, 2);
    std::string path = kRun + "/scripted.sock";
    {
        FakeServer fake(path, {frame_bytes(hello_ok), broken_frame(MessageType::exempt, 2)});
        assert_int_equal(pam_login("mfa_scripted", "alice", {"123456"}).rc, PAM_AUTHINFO_UNAVAIL);
    }
    {
        // After the challenge mfad is judging: a broken verdict is a failed login, not "unavailable".
        FakeServer fake(path, {frame_bytes(hello_ok), frame_bytes(challenge), broken_frame(MessageType::allow, 3)});
        assert_int_equal(pam_login("mfa_scripted", "alice", {"123456"}).rc, PAM_AUTH_ERR);
    }
    {  // the control: the same script with a well-formed ALLOW lets the login through
        auto allow = mfa::wire::encode(mfa::wire::Done{""}, 3, MessageType::allow);
        FakeServer fake(path, {frame_bytes(hello_ok), frame_bytes(challenge), frame_bytes(allow)});
        assert_int_equal(pam_login("mfa_scripted", "alice", {"123456"}).rc, PAM_SUCCESS);
    }
}

std::vector<std::uint8_t> step_frame(mfa::wire::Step step, std::uint32_t id) {
    auto frame = mfa::wire::encode(step, id);
    return frame_bytes(frame);
}

// The module is a terminal: it shows what mfad's steps say (errors, lines of
// information, a prompt with or without echo) in one conversation each, and
// maps each verdict; it knows nothing of factors.
void steps_are_rendered_and_verdicts_mapped(void**) {
    using mfa::wire::MessageType;
    auto hello_frame = mfa::wire::encode(mfa::wire::HelloOk{mfa::wire::kProtocolMax, "fake"}, 1);
    auto hello_ok = frame_bytes(hello_frame);
    auto menu = step_frame({7, "", "Second factor for alice:\n  1) app\n  2) text message", "Choose, or type a code: ", true}, 2);
    auto code = step_frame({7, "Not a choice.", "", "Code: ", false}, 3);
    auto allow = mfa::wire::encode(mfa::wire::Done{""}, 4, MessageType::allow);
    std::string path = kRun + "/scripted.sock";
    std::string sock = "socket=" + path;
    {
        FakeServer fake(path, {hello_ok, menu, code, frame_bytes(allow)});
        auto login = call_pam_mfa("alice", {sock}, {"9", "123456"});
        assert_int_equal(login.rc, PAM_SUCCESS);
        assert_str_eq(login.prompt_texts, "Choose, or type a code: |echo\nCode: |hidden\n");
        assert_str_eq(login.infos, "Second factor for alice:\n  1) app\n  2) text message\n");
        assert_str_eq(login.errors, "Not a choice.\n");
    }
    {  // PAM_SILENT: no lines, the prompts stay
        FakeServer fake(path, {hello_ok, menu, code, frame_bytes(allow)});
        auto login = call_pam_mfa("alice", {sock}, {"9", "123456"}, PAM_SILENT);
        assert_int_equal(login.rc, PAM_SUCCESS);
        assert_int_equal(login.prompts, 2);
        assert_str_eq(login.infos + login.errors, "");
    }
    struct Case {
        std::vector<std::uint8_t> verdict;
        std::string tries;
        int rc;
    };
    auto deny = [](bool exhausted) {
        auto frame = mfa::wire::encode(mfa::wire::Deny{"Wrong code.", exhausted}, 3);
        return frame_bytes(frame);
    };
    auto locked = mfa::wire::encode(mfa::wire::Locked{4102444800}, 3);
    auto exempt = mfa::wire::encode(mfa::wire::Done{"disabled"}, 3, MessageType::exempt);
    auto not_enrolled = mfa::wire::encode_empty(MessageType::not_enrolled, 3);
    auto empty_prompt = step_frame({7, "", "", "", false}, 3);  // malformed: a step must prompt
    for (const auto& c : {Case{deny(true), "tries=3", PAM_MAXTRIES}, Case{deny(true), "tries=1", PAM_AUTH_ERR},
                          Case{deny(false), "tries=3", PAM_AUTH_ERR}, Case{frame_bytes(locked), "tries=3", PAM_AUTH_ERR},
                          // EXEMPT after an answer: enrollment at login put off within the grace.
                          Case{frame_bytes(exempt), "tries=3", PAM_IGNORE},
                          Case{frame_bytes(not_enrolled), "tries=3", PAM_AUTH_ERR},
                          Case{empty_prompt, "tries=3", PAM_AUTH_ERR}}) {
        FakeServer fake(path, {hello_ok, step_frame({7, "", "", "Code: ", false}, 2), c.verdict});
        assert_int_equal(call_pam_mfa("alice", {sock, c.tries, "nullok"}, {"123456"}).rc, c.rc);
    }
    {  // long and hostile lines: escaped, packed into messages any conversation takes
        std::string many;
        for (int i = 0; i < 200; ++i) many += "line " + std::to_string(i) + "\x1b[2J\n";
        auto allow3 = mfa::wire::encode(mfa::wire::Done{""}, 3, MessageType::allow);
        FakeServer fake(path, {hello_ok, step_frame({7, "", many, "Code: ", false}, 2), frame_bytes(allow3)});
        auto login = call_pam_mfa("alice", {sock}, {"123456"});
        assert_int_equal(login.rc, PAM_SUCCESS);
        assert_int_equal(login.infos.find('\x1b'), std::string::npos);
        assert_contains(login.infos, "line 0\\x1b[2J\nline 1\\x1b[2J\n");
        assert_contains(login.infos, "line 199\\x1b[2J\n");
        assert_true(login.longest_message < PAM_MAX_MSG_SIZE);
        assert_true(login.largest_call <= PAM_MAX_NUM_MSG);
    }
    {  // a broken mfad that never ends the login: denied after 32 steps
        std::vector<std::vector<std::uint8_t>> endless{hello_ok};
        for (std::uint32_t i = 0; i < 40; ++i) endless.push_back(step_frame({7, "", "", "Code: ", false}, 2 + i));
        FakeServer fake(path, endless);
        auto login = call_pam_mfa("alice", {sock, "fail_mode=open"}, std::vector<std::string>(40, "123456"));
        assert_int_equal(login.rc, PAM_AUTH_ERR);
        assert_int_equal(login.prompts, 32);
    }
    // A malformed first step: mfad broke before judging; fail closed unless fail_mode=open.
    FakeServer fake(path, {hello_ok, step_frame({7, "", "", "", false}, 2)});
    assert_int_equal(call_pam_mfa("alice", {sock}, {"123456"}).rc, PAM_AUTHINFO_UNAVAIL);
}

void the_prompt_argument_replaces_mfads_prompt(void**) {
    auto secret = enroll_user(suite_daemon().socket(), "lea");
    auto login = call_pam_mfa("lea", {socket_arg("mfad.sock"), "prompt=Token: "}, {oathtool_code(secret, unix_now())});
    assert_int_equal(login.rc, PAM_SUCCESS);
    assert_str_eq(login.prompt_texts, "Token: |hidden\n");
    assert_int_equal(call_pam_mfa("lea", {socket_arg("mfad.sock"), "prompt=Code\x1b[2J"}).rc, PAM_SERVICE_ERR);
}

// Two authenticators: the menu, through the real module. Under PAM_SILENT
// its lines are not shown, and the prompt alone still says what to do.
void the_factor_menu_through_the_module_and_under_pam_silent(void**) {
    auto phone = enroll_user(suite_daemon().socket(), "noa", "phone");
    auto tablet = enroll_user(suite_daemon().socket(), "noa", "tablet");
    auto menu = call_pam_mfa("noa", {socket_arg("mfad.sock")}, {"", oathtool_code(phone, unix_now())});
    if (menu.rc != PAM_SUCCESS)
        fail_msg("rc %d: %s / %s / %s", menu.rc, menu.infos.c_str(), menu.errors.c_str(), menu.prompt_texts.c_str());
    assert_contains(menu.infos, "Second factor for noa:\n");
    assert_contains(menu.infos, "  1) authenticator app \"phone\" (default)\n  2) authenticator app \"tablet\"\n");
    assert_str_eq(menu.prompt_texts, "Choose 1-2 (Enter: 1), or type a code: |echo\nVerification code: |hidden\n");

    auto silent = call_pam_mfa("noa", {socket_arg("mfad.sock")}, {"2", oathtool_code(tablet, unix_now())}, PAM_SILENT);
    assert_int_equal(silent.rc, PAM_SUCCESS);
    assert_str_eq(silent.infos, "");
    assert_int_equal(silent.prompts, 2);
    assert_contains(silent.prompt_texts, "Choose 1-2 (Enter: 1), or type a code: ");

    // A code typed at the menu skips it; a wrong one counts toward tries=1.
    auto typed = call_pam_mfa("noa", {socket_arg("mfad.sock")}, {oathtool_code(phone, unix_now() + 30)});
    assert_int_equal(typed.rc, PAM_SUCCESS);
    assert_int_equal(typed.prompts, 1);
    assert_int_equal(call_pam_mfa("noa", {socket_arg("mfad.sock"), "tries=1"}, {"000000"}).rc, PAM_AUTH_ERR);
}

void a_socket_of_another_user_is_refused(void**) {
    FakeServer impostor(kRun + "/foreign.sock", FakeServer::Mode::hang);
    assert_int_equal(chown((kRun + "/foreign.sock").c_str(), 4242, 4242), 0);
    auto started = std::chrono::steady_clock::now();
    assert_int_equal(pam_login("mfa_foreign", "alice", {"123456"}).rc, PAM_AUTHINFO_UNAVAIL);
    // Refused on sight, not after waiting for an answer.
    assert_true(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(900));
}

void an_unknown_argument_is_a_service_error(void**) {
    assert_int_equal(pam_login("mfa_bad_arg", "alice", {"123456"}).rc, PAM_SERVICE_ERR);
    assert_int_equal(raw_call("pam_sm_authenticate", "alice", {"tries=0"}), PAM_SERVICE_ERR);
    assert_int_equal(raw_call("pam_sm_authenticate", "alice", {"timeout=abc"}), PAM_SERVICE_ERR);
    assert_int_equal(raw_call("pam_sm_authenticate", "alice", {"socket=relative"}), PAM_SERVICE_ERR);
}

void setcred_and_account_step_aside(void**) {
    assert_int_equal(raw_call("pam_sm_setcred", "alice", {}), PAM_IGNORE);
    assert_int_equal(raw_call("pam_sm_acct_mgmt", "alice", {}), PAM_IGNORE);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(only_pam_sm_symbols_are_exported),
        cmocka_unit_test(a_right_code_logs_in_once),
        cmocka_unit_test(wrong_codes_use_up_the_tries),
        cmocka_unit_test(the_lock_holds_against_the_right_code),
        cmocka_unit_test(no_copy_of_the_code_is_left_in_memory),
        cmocka_unit_test(not_enrolled_is_denied_or_ignored_with_nullok),
        cmocka_unit_test(a_backup_code_works_at_the_prompt),
        cmocka_unit_test(a_help_desk_disable_steps_aside),
        cmocka_unit_test(daemon_down_fails_closed_unless_fail_mode_open),
        cmocka_unit_test(a_hung_daemon_times_out),
        cmocka_unit_test(a_garbage_reply_is_unavailable),
        cmocka_unit_test(a_malformed_exempt_or_allow_fails_closed),
        cmocka_unit_test(steps_are_rendered_and_verdicts_mapped),
        cmocka_unit_test(the_prompt_argument_replaces_mfads_prompt),
        cmocka_unit_test(the_factor_menu_through_the_module_and_under_pam_silent),
        cmocka_unit_test(a_socket_of_another_user_is_refused),
        cmocka_unit_test(an_unknown_argument_is_a_service_error),
        cmocka_unit_test(setcred_and_account_step_aside),
    };
    return cmocka_run_group_tests(tests, start_daemon, stop_suite_daemon);
}
