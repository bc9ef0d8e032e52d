// The commands people type: mfad's flags and mfactl ping, with their exit codes
// (0 ok, 1 refused or failed, 2 usage).
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <sstream>
#include <utility>

#include "cmocka.hpp"
#include "qr_image.hpp"
#include "daemon_fixture.hpp"
#include "enrollment.hpp"
#include "fake_server.hpp"
#include "mfa/wire/messages.hpp"
#include "mfa/version.hpp"
#include "store/sqlite_store.hpp"

using namespace mfa::test;

namespace {

void mfad_version_and_usage(void**) {
    auto version = run({MFAD_BIN, "--version"});
    assert_int_equal(version.exit_code, 0);
    assert_str_eq(version.out, std::string("mfad ") + mfa::kVersion + "\n");
    auto bogus = run({MFAD_BIN, "--bogus"});
    assert_int_equal(bogus.exit_code, 2);
    assert_contains(bogus.err, "--bogus");
}

void mfad_check_config(void**) {
    TempDir dir;
    auto good = run({MFAD_BIN, "--check-config", "--config", dir.write("good.yaml", "lockout: { duration: 15m }\n")});
    assert_int_equal(good.exit_code, 0);
    assert_str_eq(good.out, "ok\n");
    std::string bad_path = dir.write("bad.yaml", "issuer: x\nlockout:\n  duration: forever\n");
    auto bad = run({MFAD_BIN, "--check-config", "--config", bad_path});
    assert_int_equal(bad.exit_code, 1);
    assert_str_eq(bad.err, bad_path + ":3: lockout.duration: must be a duration like 30s, 5m or 1h (got \"forever\")\n");
    auto missing = run({MFAD_BIN, "--check-config", "--config", dir.file("none.yaml")});
    assert_int_equal(missing.exit_code, 1);
    assert_contains(missing.err, "cannot read");
}

void mfad_generate_key(void**) {
    TempDir dir;
    auto made = run({MFAD_BIN, "--generate-key", dir.file("k")});
    assert_int_equal(made.exit_code, 0);
    struct stat st{};
    assert_int_equal(stat(dir.file("k").c_str(), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 32);
    auto again = run({MFAD_BIN, "--generate-key", dir.file("k")});
    assert_int_equal(again.exit_code, 1);
    assert_contains(again.err, "refusing to overwrite");
}

void mfactl_ping(void**) {
    DaemonFixture d;
    assert_true(d.start());
    auto text = run({MFACTL_BIN, "--socket", d.socket(), "ping"});
    assert_int_equal(text.exit_code, 0);
    assert_contains(text.out, std::string("mfad ") + mfa::kVersion + " (protocol " + std::to_string(mfa::wire::kProtocolMax) + ", schema " +
                                  std::to_string(mfa::daemon::latest_schema_version()));
    assert_contains(text.out, ", store sqlite): round trip");

    auto json = run({MFACTL_BIN, "--socket", d.socket(), "--json", "ping"});
    assert_int_equal(json.exit_code, 0);
    auto parsed = nlohmann::json::parse(json.out);
    assert_str_eq(parsed.at("version").get<std::string>(), mfa::kVersion);
    assert_int_equal(parsed.at("schema_version").get<int>(), mfa::daemon::latest_schema_version());
    assert_true(parsed.at("rtt_ms").get<double>() > 0);
}

void mfactl_failures_and_usage(void**) {
    TempDir dir;
    auto down = run({MFACTL_BIN, "--socket", dir.file("nobody.sock"), "ping"});
    assert_int_equal(down.exit_code, 1);
    assert_contains(down.err, "mfactl: ");
    assert_contains(down.err, "No such file");
    assert_str_eq(down.out, "");

    assert_int_equal(run({MFACTL_BIN}).exit_code, 2);
    assert_int_equal(run({MFACTL_BIN, "frobnicate"}).exit_code, 2);
    assert_int_equal(run({MFACTL_BIN, "ping", "--bogus"}).exit_code, 2);
    assert_int_equal(run({MFACTL_BIN, "--help"}).exit_code, 0);
}

// mfactl manages factors (protocol 3): an mfad that can only speak 2 gets a
// clear error, never a guess; neither its version_mismatch nor its choice of 2 is taken.
void mfactl_needs_the_factors_protocol(void**) {
    TempDir dir;
    auto chose_two = mfa::wire::encode(mfa::wire::HelloOk{2, "mfad/0.0.9"}, 1);
    auto mismatch = mfa::wire::encode(
        mfa::wire::ErrorReply{mfa::wire::ErrorCode::version_mismatch, "mfad speaks protocol 2..2, the client 3..3"}, 1);
    for (auto* answer : {&chose_two, &mismatch}) {
        auto bytes = answer->finish();
        FakeServer old(dir.file("old.sock"), {std::vector<std::uint8_t>(bytes->begin(), bytes->end())});
        auto r = run({MFACTL_BIN, "--socket", dir.file("old.sock"), "factors", "--user", "root"});
        assert_int_equal(r.exit_code, 1);
        if (r.err.find("daemon chose protocol 2 which this client does not speak") == std::string::npos &&
            r.err.find("mfad speaks protocol 2..2, the client 3..3") == std::string::npos)
            fail_msg("%s", r.err.c_str());
    }
}

void mfactl_refuses_a_socket_of_another_user(void**) {
    DaemonFixture d;
    assert_true(d.start());
    // Someone else's socket could be an impostor collecting what we send.
    assert_int_equal(chown(d.socket().c_str(), 4242, 4242), 0);
    auto refused = run({MFACTL_BIN, "--socket", d.socket(), "ping"});
    assert_int_equal(refused.exit_code, 1);
    assert_contains(refused.err, "owned by uid 4242");
}

// Turns the terminal QR (half blocks, black on white) back into a PGM image.
std::string terminal_qr_to_pgm(const std::string& text) {
    std::vector<std::vector<bool>> rows;  // true = dark
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find("\u2580") == std::string::npos) continue;
        std::vector<bool> top, bottom;
        for (std::size_t at = line.find("\033["); at != std::string::npos; at = line.find("\033[", at + 1)) {
            auto fg = line.substr(at, 5);
            if (fg != "\033[30m" && fg != "\033[97m") continue;
            auto bg = line.substr(at + 5, 6);
            top.push_back(fg == "\033[30m");
            bottom.push_back(bg.rfind("\033[40m", 0) == 0);
        }
        rows.push_back(top);
        rows.push_back(bottom);
    }
    if (rows.empty()) fail_msg("no QR code in the output");
    return qr_rows_to_pgm(rows);
}

void mfactl_enroll_shows_a_scannable_code_and_confirms(void**) {
    DaemonFixture d({.extra_yaml = "issuer: \"Example Corp\"\n"});
    assert_true(d.start());
    std::string png = d.dir().file("qr.png");
    auto text = run({MFACTL_BIN, "--socket", d.socket(), "enroll", "totp", "--user", "zoe", "--qr-png", png});
    assert_int_equal(text.exit_code, 0);
    auto uri_at = text.out.find("otpauth://");
    assert_true(uri_at != std::string::npos);
    std::string uri = text.out.substr(uri_at, text.out.find('\n', uri_at) - uri_at);
    assert_contains(uri, "otpauth://totp/Example%20Corp:zoe?secret=");

    // Both renderings decode, with zbarimg, to exactly the URI.
    struct stat st{};
    assert_int_equal(stat(png.c_str(), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    auto from_png = run({"zbarimg", "--raw", "-q", png});
    assert_str_eq(from_png.out, uri + "\n");
    d.dir().write("terminal.pgm", terminal_qr_to_pgm(text.out));
    auto from_terminal = run({"zbarimg", "--raw", "-q", d.dir().file("terminal.pgm")});
    assert_str_eq(from_terminal.out, uri + "\n");

    auto again = run({MFACTL_BIN, "--socket", d.socket(), "enroll", "totp", "--user", "zoe", "--qr-png", png});
    assert_int_equal(again.exit_code, 1);
    assert_contains(again.err, "already exists");

    auto secret = text.out.substr(text.out.find("Secret: ") + 8, 32);
    auto wrong = run({MFACTL_BIN, "--socket", d.socket(), "enroll", "confirm", "--user", "zoe", "--code", "000000"});
    assert_int_equal(wrong.exit_code, 1);
    assert_contains(wrong.err, "wrong code");
    auto right = run({MFACTL_BIN, "--socket", d.socket(), "--json", "enroll", "confirm", "--user", "zoe", "--code",
                      oathtool_code(secret, unix_now())});
    assert_int_equal(right.exit_code, 0);
    assert_str_eq(right.out, "{\"enabled\":true,\"user\":\"zoe\"}\n");
    auto twice = run({MFACTL_BIN, "--socket", d.socket(), "enroll", "totp", "--user", "zoe"});
    assert_int_equal(twice.exit_code, 1);
    assert_contains(twice.err, "already enabled");
}

void mfactl_json_for_scripts(void**) {
    DaemonFixture d;
    assert_true(d.start());
    auto enrolled = run({MFACTL_BIN, "--socket", d.socket(), "--json", "enroll", "totp", "--user", "yann"});
    assert_int_equal(enrolled.exit_code, 0);
    auto e = nlohmann::json::parse(enrolled.out);
    assert_str_eq(e.at("user").get<std::string>(), "yann");
    assert_int_equal(e.at("secret").get<std::string>().size(), 32);
    assert_contains(e.at("otpauth_uri").get<std::string>(), "otpauth://totp/");

    auto none = nlohmann::json::parse(run({MFACTL_BIN, "--socket", d.socket(), "--json", "status", "--user", "xavier"}).out);
    assert_true(none.at("factors").empty());
    assert_true(none.at("enrolled_at").is_null());
    assert_true(none.at("locked_until").is_null());

    auto secret = enroll_user(d.socket(), "wendy");
    (void)secret;
    auto status = nlohmann::json::parse(run({MFACTL_BIN, "--socket", d.socket(), "--json", "status", "--user", "wendy"}).out);
    assert_str_eq(status.at("factors")[0].get<std::string>(), "totp");
    assert_true(status.at("enrolled_at").is_string());
    assert_true(status.at("last_verified_at").is_null());
    assert_int_equal(status.at("failures").get<int>(), 0);
}

// A --qr-png name that is not UTF-8: a usage error before anything happens,
// never an enrollment whose secret --json then cannot print.
void mfactl_checks_arguments_before_any_side_effect(void**) {
    DaemonFixture d;
    assert_true(d.start());
    std::string png = d.dir().file("qr-\xff.png");
    auto bad = run({MFACTL_BIN, "--socket", d.socket(), "--json", "enroll", "totp", "--user", "ann", "--qr-png", png});
    assert_int_equal(bad.exit_code, 2);
    assert_contains(bad.err, "UTF-8");
    struct stat st{};
    assert_int_not_equal(lstat(png.c_str(), &st), 0);  // no PNG written
    auto status = nlohmann::json::parse(run({MFACTL_BIN, "--socket", d.socket(), "--json", "status", "--user", "ann"}).out);
    assert_true(status.at("factors").empty());
    auto nowhere = run({MFACTL_BIN, "--socket", d.socket(), "--json", "enroll", "totp", "--user", "ann", "--qr-png",
                        d.dir().file("no-such-dir/qr.png")});
    assert_int_equal(nowhere.exit_code, 1);
    assert_contains(nowhere.err, "cannot create it");
    auto rows = run({"sqlite3", d.dir().file("state/mfad.db"), "SELECT count(*) FROM factors"});
    assert_str_eq(rows.out, "0\n");  // not even a pending secret
}

// The code comes on stdin (or from a hidden prompt): nothing in argv for ps to show.
void mfactl_reads_the_code_from_stdin(void**) {
    DaemonFixture d;
    assert_true(d.start());
    auto started = run({MFACTL_BIN, "--socket", d.socket(), "--json", "enroll", "totp", "--user", "ida"});
    assert_int_equal(started.exit_code, 0);
    auto secret = nlohmann::json::parse(started.out).at("secret").get<std::string>();
    auto none = run({MFACTL_BIN, "--socket", d.socket(), "enroll", "confirm", "--user", "ida"}, {}, "");
    assert_int_equal(none.exit_code, 1);
    assert_contains(none.err, "no code given");
    auto confirmed = run({MFACTL_BIN, "--socket", d.socket(), "--json", "enroll", "confirm", "--user", "ida"}, {},
                         oathtool_code(secret, unix_now()) + "\n");
    assert_int_equal(confirmed.exit_code, 0);
    assert_str_eq(confirmed.out, "{\"enabled\":true,\"user\":\"ida\"}\n");
}

// Rows are data: one written before names were checked, or by hand, must not
// forge a line or drive the terminal of the admin who lists them.
void audit_list_escapes_what_it_prints(void**) {
    DaemonFixture d;
    assert_true(d.start());
    enroll_user(d.socket(), "ivan");  // makes the audit table and a first row
    auto planted = run({"sqlite3", d.dir().file("state/mfad.db"),
                        "UPDATE audit SET rhost = char(27) || ']0;owned' || char(7) || char(10) || "
                        "'2026-11-29 00:00:00  #9  reset  secalice  ok  uid=0', user = 'iv' || char(27) || '[2Jan' "
                        "WHERE id = 1"});
    assert_int_equal(planted.exit_code, 0);
    auto listed = run({MFACTL_BIN, "--socket", d.socket(), "audit", "list"});
    assert_int_equal(listed.exit_code, 0);
    for (char c : listed.out) assert_true(static_cast<unsigned char>(c) >= 0x20 || c == '\n');
    assert_contains(listed.out, "rhost=\\x1b]0;owned\\x07\\x0a2026-11-29");
    assert_contains(listed.out, "iv\\x1b[2Jan");
    assert_int_equal(std::count(listed.out.begin(), listed.out.end(), '\n'),
                     std::stoi(run({"sqlite3", d.dir().file("state/mfad.db"), "SELECT count(*) FROM audit"}).out));
}

// The subcommands `mfactl --help` lists, one level down: "ping", "enroll totp", ...
std::vector<std::string> mfactl_commands() {
    auto names = [](const std::string& help) {
        std::vector<std::string> out;
        auto at = help.find("Subcommands:\n");
        if (at == std::string::npos) return out;
        std::istringstream lines(help.substr(at + 13));
        std::string line;
        while (std::getline(lines, line) && line.rfind("  ", 0) == 0) {
            auto name = line.substr(2, line.find(' ', 2) - 2);
            if (!name.empty() && name[0] != '-') out.push_back(name);
        }
        return out;
    };
    std::vector<std::string> commands;
    for (const auto& top : names(run({MFACTL_BIN, "--help"}).out)) {
        auto subs = names(run({MFACTL_BIN, top, "--help"}).out);
        if (subs.empty()) commands.push_back(top);
        for (const auto& sub : subs) commands.push_back(top + " " + sub);
    }
    return commands;
}

// Every command mfactl has is in mfactl.1 (an item "NAME SUB ..." or
// "NAME A|B ...") and in the bash completion; nothing is documented twice over.
void every_command_is_in_the_man_page_and_the_completion(void**) {
    auto commands = mfactl_commands();
    assert_true(commands.size() >= 18);  // a parse that found nothing must not pass
    std::string man = read_file(MFACTL_MAN_PAGE);
    for (const char* markup : {"\\fB", "\\fR", "\\fI"})
        for (auto at = man.find(markup); at != std::string::npos; at = man.find(markup)) man.erase(at, 3);
    for (auto at = man.find("\\-"); at != std::string::npos; at = man.find("\\-")) man.erase(at, 1);
    // The completion's words: runs of letters and '-'.
    std::set<std::string> offered;
    std::string word;
    for (char c : read_file(MFACTL_COMPLETION) + " ") {
        if ((c >= 'a' && c <= 'z') || c == '-') word += c;
        else if (!word.empty()) offered.insert(std::exchange(word, {}));
    }
    for (const auto& command : commands) {
        auto space = command.find(' ');
        std::string top = command.substr(0, space), sub = space == std::string::npos ? "" : command.substr(space + 1);
        bool documented = false;
        std::istringstream lines(man);
        for (std::string line; std::getline(lines, line) && !documented;) {
            if (line.rfind(".B " + top + (sub.empty() ? "" : " "), 0) != 0 && line != ".B " + top) continue;
            std::istringstream words(line.substr(3));
            std::string first, second;
            words >> first >> second;
            if (sub.empty()) documented = first == top;
            for (std::size_t at = 0; !sub.empty() && at <= second.size();) {
                auto bar = second.find('|', at);
                if (second.substr(at, bar == std::string::npos ? std::string::npos : bar - at) == sub) documented = true;
                if (bar == std::string::npos) break;
                at = bar + 1;
            }
        }
        if (!documented) fail_msg("mfactl %s is not in mfactl.1", command.c_str());
        for (const auto& name : {top, sub})
            if (!name.empty() && offered.count(name) == 0) fail_msg("the bash completion does not offer %s", name.c_str());
    }
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(every_command_is_in_the_man_page_and_the_completion),
        cmocka_unit_test(mfad_version_and_usage), cmocka_unit_test(mfad_check_config),
        cmocka_unit_test(mfad_generate_key),      cmocka_unit_test(mfactl_ping),
        cmocka_unit_test(mfactl_failures_and_usage), cmocka_unit_test(mfactl_refuses_a_socket_of_another_user),
        cmocka_unit_test(mfactl_enroll_shows_a_scannable_code_and_confirms), cmocka_unit_test(mfactl_json_for_scripts),
        cmocka_unit_test(mfactl_checks_arguments_before_any_side_effect), cmocka_unit_test(mfactl_reads_the_code_from_stdin),
        cmocka_unit_test(audit_list_escapes_what_it_prints), cmocka_unit_test(mfactl_needs_the_factors_protocol),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
