// What mfactl import reads: google-authenticator's file and pam_oath's
// usersfile (every option, every malformed line named), keys in hex and
// base32, and the file checks that stop a user from pointing root elsewhere.
#include <sys/stat.h>
#include <unistd.h>

#include "cmocka.hpp"
#include "import/google_authenticator_file.hpp"
#include "import/key_text.hpp"
#include "import/oath_usersfile.hpp"
#include "import/owned_file.hpp"
#include "temp_dir.hpp"

using namespace mfa::cli;
using mfa::test::TempDir;

namespace {

constexpr const char* kSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

std::string ga_file(const std::string& options, const std::string& codes = "12345678\n87654321\n") {
    return std::string(kSecret) + "\n" + options + codes;
}

void a_totp_file_maps_its_settings(void**) {
    auto file = parse_google_authenticator_file(
        ga_file("\" RATE_LIMIT 3 30 1700000000\n\" WINDOW_SIZE 17\n\" DISALLOW_REUSE 56666666 56666670 56666668\n"
                "\" TOTP_AUTH\n\" STEP_SIZE 30\n"),
        "f");
    if (!file) fail_msg("%s", file.error().message.c_str());
    assert_true(file->totp);
    assert_int_equal(file->scratch_codes.size(), 2);
    std::vector<std::string> notes;
    auto request = google_authenticator_import(*file, "alice", notes);
    assert_string_equal(request.kind.c_str(), "totp");
    assert_string_equal(request.secret.c_str(), kSecret);
    assert_int_equal(request.period, 30);
    assert_int_equal(request.window, 8);                   // 17 codes: 8 steps either side
    assert_int_equal(request.counter, 56666671);           // past the newest step used
    assert_int_equal(request.codes.size(), 2);
    assert_int_equal(notes.size(), 1);
    assert_contains(notes[0], "RATE_LIMIT 3 per 30 s");
}

void reuse_allowed_and_an_even_window_are_said(void**) {
    auto file = parse_google_authenticator_file(ga_file("\" WINDOW_SIZE 4\n\" TOTP_AUTH\n\" TIME_SKEW 2\n", ""), "f");
    if (!file) fail_msg("%s", file.error().message.c_str());
    std::vector<std::string> notes;
    auto request = google_authenticator_import(*file, "bob", notes);
    assert_int_equal(request.window, 2);
    assert_int_equal(request.counter, 0);
    std::string all;
    for (const auto& n : notes) all += n + "\n";
    assert_contains(all, "TIME_SKEW");
    assert_contains(all, "WINDOW_SIZE 4 becomes ±2");
    assert_contains(all, "used twice");
}

void an_hotp_file_keeps_its_counter(void**) {
    auto file = parse_google_authenticator_file(std::string("jbswy3dpehpk3pxp\n\" HOTP_COUNTER 42\n\" WINDOW_SIZE 5\n"), "f");
    if (!file) fail_msg("%s", file.error().message.c_str());
    std::vector<std::string> notes;
    auto request = google_authenticator_import(*file, "carol", notes);
    assert_string_equal(request.kind.c_str(), "hotp");
    assert_string_equal(request.secret.c_str(), "JBSWY3DPEHPK3PXP");  // upper-cased
    assert_int_equal(request.counter, 42);
    assert_int_equal(request.window, 4);  // it tried counter .. counter+4
}

void malformed_files_name_their_line(void**) {
    const char* cases[][2] = {
        {"short\n\" TOTP_AUTH\n", "f:1: the first line must be the base32 secret"},
        {"JBSWY3DPEHPK3PXP0000\n\" TOTP_AUTH\n", "f:1:"},
        {"JBSWY3DPEHPK3PXP\n\" TOTP_AUTH\n1234567\n", "f:3: neither an option"},
        {"JBSWY3DPEHPK3PXP\n\" TOTP_AUTH\n\" STEP_SIZE 0\n", "f:3: unknown or malformed option \"STEP_SIZE\""},
        {"JBSWY3DPEHPK3PXP\n\" TOTP_AUTH\n\" WINDOW_SIZE 101\n", "f:3:"},
        {"JBSWY3DPEHPK3PXP\n\" HOTP_COUNTER -1\n", "f:2:"},
        {"JBSWY3DPEHPK3PXP\n\" TOTP_AUTH\n\" DISALLOW_REUSE 12 x\n", "f:3: DISALLOW_REUSE"},
        {"JBSWY3DPEHPK3PXP\n\" TOTP_AUTH\n\" NEW_OPTION 1\n", "f:3: unknown or malformed option \"NEW_OPTION\""},
        {"JBSWY3DPEHPK3PXP\n\" TOTP_AUTH\n\" HOTP_COUNTER 1\n", "f: both TOTP_AUTH and HOTP_COUNTER"},
        {"JBSWY3DPEHPK3PXP\n\" RATE_LIMIT 3 30\n", "f: neither TOTP_AUTH nor HOTP_COUNTER"},
        {"", "f: empty file"},
        {"JBSWY3DPEHPK3PXP\n\" TOTP_AUTH\n1234\x1b[2J5678\n", "f:3:"},
    };
    for (const auto& [text, error] : cases) {
        auto file = parse_google_authenticator_file(text, "f");
        if (file) fail_msg("accepted: %s", text);
        assert_contains(file.error().message, error);
    }
}

void oath_lines_become_requests(void**) {
    std::string text =
        "# tokens\n"
        "HOTP\thotpuser\t-\t3132333435363738393031323334353637383930\t5\t254676\t2026-01-01T00:00:00L\n"
        "HOTP/T30/8 totpuser - 3132333435363738393031323334353637383930\n"
        "HOTP/T60 logged + 3132333435363738393031323334353637383930 1 123456 2026-01-01T00:00:00L\n"
        "HOTP/E/7 pinned 1234 3132333435363738393031323334353637383930\n"
        "HOTP twice - 3132333435363738393031323334353637383930\n"
        "HOTP twice - 3132333435363738393031323334353637383930\n"
        "HOTP/T45 oddtype - 3132333435363738393031323334353637383930\n"
        "HOTP badkey - 31323g\n"
        "HOTP halflog - 3132333435363738393031323334353637383930 5\n";
    auto users = parse_oath_usersfile(text, "users.oath");
    if (!users) fail_msg("%s", users.error().message.c_str());
    assert_int_equal(users->size(), 8);
    const auto& hotp = users->at("hotpuser");
    assert_true(hotp.problem.empty());
    assert_string_equal(hotp.request.kind.c_str(), "hotp");
    assert_int_equal(hotp.request.counter, 6);  // code 5 was the last used
    assert_int_equal(hotp.request.digits, 6);
    assert_int_equal(hotp.request.window, -1);  // mfad's hotp.window
    assert_string_equal(hotp.request.secret.c_str(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    const auto& totp = users->at("totpuser");
    assert_true(totp.problem.empty());
    assert_string_equal(totp.request.kind.c_str(), "totp");
    assert_int_equal(totp.request.digits, 8);
    assert_int_equal(totp.request.period, 30);
    assert_int_equal(totp.request.counter, 0);
    const auto& logged = users->at("logged");
    assert_true(logged.problem.empty());
    assert_int_equal(logged.request.period, 60);
    std::tm tm{};
    strptime("2026-01-01T00:00:00", "%Y-%m-%dT%H:%M:%S", &tm);
    tm.tm_isdst = -1;
    assert_int_equal(logged.request.counter, static_cast<std::uint64_t>(mktime(&tm) / 60 + 1 + 1));
    assert_int_equal(logged.notes.size(), 1);  // the '+' PIN
    assert_contains(users->at("pinned").problem, "users.oath:5: it has a PIN");
    assert_contains(users->at("twice").problem, "users.oath:7: a second token for twice (line 6");
    assert_contains(users->at("oddtype").problem, "users.oath:8: unknown token type \"HOTP/T45\"");
    assert_contains(users->at("badkey").problem, "users.oath:9: the key is not hex");
    assert_contains(users->at("halflog").problem, "users.oath:10: the counter, last code and time must come together");
    auto broken = parse_oath_usersfile("HOTP\n", "u");
    assert_false(broken.ok());
    assert_contains(broken.error().message, "u:1: no user name");
}

void keys_decode_from_hex_and_base32(void**) {
    auto hex = decode_key("31 32 33\n34", KeyEncoding::hex);
    assert_true(hex.ok());
    assert_true(*hex == std::vector<std::uint8_t>({'1', '2', '3', '4'}));
    assert_false(decode_key("313", KeyEncoding::hex).ok());
    assert_false(decode_key("zz", KeyEncoding::hex).ok());
    assert_false(decode_key("", KeyEncoding::hex).ok());
    auto b32 = decode_key("GEZD GNA", KeyEncoding::base32);
    assert_true(b32.ok());
    assert_true(*b32 == std::vector<std::uint8_t>({'1', '2', '3', '4'}));
    assert_false(decode_key("GEZ1", KeyEncoding::base32).ok());
}

// Files a user could plant in place of their token file, read as root.
void token_files_are_read_only_when_plainly_the_users(void**) {
    TempDir dir;
    const uid_t owner = 20123;
    const gid_t group = 20123;
    chmod(dir.path().c_str(), 0755);
    auto own = [&](const std::string& path, mode_t mode) {
        assert_int_equal(chown(path.c_str(), owner, group), 0);
        assert_int_equal(chmod(path.c_str(), mode), 0);
    };
    FileRules rules{std::pair{owner, group}, {owner}};
    auto good = dir.write("good", "secret\n");
    own(good, 0600);
    auto read = read_owned_file(good, rules);
    assert_true(read.ok() && read->has_value());
    assert_string_equal((*read)->c_str(), "secret\n");
    assert_true(read_owned_file(dir.file("missing"), rules)->has_value() == false);

    auto shadow = dir.write("shadow", "root's\n");  // root's, 0600: what a link would reach
    assert_int_equal(symlink(shadow.c_str(), dir.file("link").c_str()), 0);
    assert_contains(read_owned_file(dir.file("link"), rules).error().message, "symbolic link");
    assert_int_equal(link(good.c_str(), dir.file("hard").c_str()), 0);
    assert_contains(read_owned_file(good, rules).error().message, "2 hard links");
    unlink(dir.file("hard").c_str());
    auto open_mode = dir.write("open", "x\n");
    own(open_mode, 0644);
    assert_contains(read_owned_file(open_mode, rules).error().message, "mode 0644");
    assert_contains(read_owned_file(shadow, FileRules{std::nullopt, {owner}}).error().message, "owned by uid 0");
    // Root may own a central file (--file), but it is opened with the user's rights: not readable.
    assert_contains(read_owned_file(shadow, FileRules{std::pair{owner, group}, {owner, 0}}).error().message,
                    "Permission denied");
    assert_int_equal(mkfifo(dir.file("fifo").c_str(), 0600), 0);
    assert_int_equal(chown(dir.file("fifo").c_str(), owner, group), 0);
    assert_contains(read_owned_file(dir.file("fifo"), rules).error().message, "not a regular file");
    auto big = dir.write("big", std::string(70000, 'A'));
    own(big, 0600);
    assert_contains(read_owned_file(big, rules).error().message, "too large");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(a_totp_file_maps_its_settings),
        cmocka_unit_test(reuse_allowed_and_an_even_window_are_said),
        cmocka_unit_test(an_hotp_file_keeps_its_counter),
        cmocka_unit_test(malformed_files_name_their_line),
        cmocka_unit_test(oath_lines_become_requests),
        cmocka_unit_test(keys_decode_from_hex_and_base32),
        cmocka_unit_test(token_files_are_read_only_when_plainly_the_users),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
