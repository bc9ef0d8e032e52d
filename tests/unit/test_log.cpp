// mfad's stderr log: one line per event, whatever bytes a field holds.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "cmocka.hpp"
#include "process.hpp"
#include "sys/log.hpp"
#include "temp_dir.hpp"

using namespace mfa::daemon;

namespace {

// What log::write put on stderr.
std::string logged(std::string_view message, std::string value) {
    mfa::test::TempDir dir;
    std::string path = dir.file("stderr");
    int saved = dup(STDERR_FILENO);
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    dup2(fd, STDERR_FILENO);
    close(fd);
    log::notice(message, {{"MFA_RHOST", std::move(value)}});
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    return mfa::test::read_file(path);
}

void control_characters_never_reach_the_log(void**) {
    setenv("MFAD_LOG", "stderr", 1);
    log::init();
    auto line = logged("bad request from \x1b[2J", "203.0.113.5\n mfad[1]: notice: forged\x07\xc2\x9b");
    assert_int_equal(std::count(line.begin(), line.end(), '\n'), 1);
    assert_true(line.back() == '\n');
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        auto b = static_cast<unsigned char>(line[i]);
        assert_true(b >= 0x20 && b != 0x7f);
        assert_false(b == 0xc2 && static_cast<unsigned char>(line[i + 1]) < 0xa0);
    }
    assert_contains(line, "bad request from \\x1b[2J");
    assert_contains(line, "MFA_RHOST=203.0.113.5\\x0a mfad[1]: notice: forged\\x07\\xc2\\x9b");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {cmocka_unit_test(control_characters_never_reach_the_log)};
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
