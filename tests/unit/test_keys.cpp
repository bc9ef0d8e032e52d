// The master key file's refusals, key generation, and AES-GCM sealing.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "cmocka.hpp"
#include "crypto/master_key.hpp"
#include "crypto/secret_box.hpp"
#include "temp_dir.hpp"

using namespace mfa::daemon;

namespace {

const std::string kKeyBytes(32, 'k');

MasterKey key_of(char fill) {
    std::vector<std::uint8_t> bytes(32, static_cast<std::uint8_t>(fill));
    return std::move(*MasterKey::from_bytes(bytes));
}

std::vector<std::uint8_t> secret() { return {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}; }

void loads_a_good_key(void**) {
    mfa::test::TempDir dir;
    auto key = MasterKey::load(dir.write("mfad.key", kKeyBytes, 0600));
    if (!key) fail_msg("%s", key.error().message.c_str());
    assert_int_equal(key->bytes().size(), 32);
    assert_int_equal(key->id_hex().size(), 16);
    assert_str_eq(key->id_hex(), key_of('k').id_hex());
    assert_true(key_of('k').id() != key_of('j').id());
    auto read_only = MasterKey::load(dir.write("ro.key", kKeyBytes, 0400));
    assert_true(read_only.ok());
}

void refuses_bad_key_files(void**) {
    mfa::test::TempDir dir;
    struct Case {
        std::string path;
        const char* reason;
    };
    std::string target = dir.write("target.key", kKeyBytes, 0600);
    std::string link = dir.file("link.key");
    assert_int_equal(symlink(target.c_str(), link.c_str()), 0);
    const Case cases[] = {
        {dir.write("short.key", std::string(31, 'k')), "has 31"},
        {dir.write("long.key", std::string(33, 'k')), "has 33"},
        {dir.write("empty.key", ""), "has 0"},
        {dir.write("group.key", kKeyBytes, 0640), "mode 0640"},
        {dir.write("other.key", kKeyBytes, 0604), "mode 0604"},
        {link, "symbolic link"},
        {dir.path(), "not a regular file"},
        {dir.file("missing.key"), "No such file"},
    };
    for (const auto& c : cases) {
        auto key = MasterKey::load(c.path);
        if (key.ok()) fail_msg("accepted %s", c.path.c_str());
        assert_contains(key.error().message, c.reason);
    }
}

// A FIFO at the key's path: refused at once, not an open() that waits for a writer forever.
void refuses_a_fifo_without_hanging(void**) {
    mfa::test::TempDir dir;
    std::string path = dir.file("mfad.key");
    assert_int_equal(mkfifo(path.c_str(), 0600), 0);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(5);  // a hang ends the child by SIGALRM, which the parent reports
        auto key = MasterKey::load(path);
        _exit(!key && key.error().message.find("not a regular file") != std::string::npos ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

void refuses_a_key_owned_by_someone_else(void**) {
    mfa::test::TempDir dir;
    std::string path = dir.write("theirs.key", kKeyBytes, 0600);
    // As root we can hand the file to another uid; as a user we could not create this case.
    assert_int_equal(geteuid(), 0);
    assert_int_equal(chown(path.c_str(), 4242, 4242), 0);
    auto key = MasterKey::load(path);
    assert_false(key.ok());
    assert_contains(key.error().message, "owned by uid 4242");
}

void generates_keys_and_never_overwrites(void**) {
    mfa::test::TempDir dir;
    std::string path = dir.file("new.key");
    assert_true(generate_key_file(path).ok());
    struct stat st{};
    assert_int_equal(stat(path.c_str(), &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(st.st_size, 32);
    auto first = MasterKey::load(path);
    assert_true(first.ok());

    auto again = generate_key_file(path);
    assert_false(again.ok());
    assert_contains(again.error().message, "refusing to overwrite");
    assert_true(MasterKey::load(path)->id() == first->id());

    std::string other = dir.file("other.key");
    assert_true(generate_key_file(other).ok());
    assert_true(MasterKey::load(other)->id() != first->id());
}

void credentials_directory_wins(void**) {
    mfa::test::TempDir dir;
    assert_int_equal(setenv("CREDENTIALS_DIRECTORY", dir.path().c_str(), 1), 0);
    assert_str_eq(resolve_key_path("/etc/mfad/mfad.key"), "/etc/mfad/mfad.key");  // no mfad.key there yet
    dir.write("mfad.key", kKeyBytes, 0400);
    assert_str_eq(resolve_key_path("/etc/mfad/mfad.key"), dir.file("mfad.key"));
    unsetenv("CREDENTIALS_DIRECTORY");
    assert_str_eq(resolve_key_path("/etc/mfad/mfad.key"), "/etc/mfad/mfad.key");
}

void seal_round_trip(void**) {
    KeyRing key(key_of('a'));
    SecretBox box(key);
    auto sealed = box.seal("alice", "totp", secret());
    assert_true(sealed.ok());
    assert_int_equal(sealed->size(), 1 + 8 + 12 + 20 + 16);
    auto opened = box.open("alice", "totp", *sealed);
    assert_true(opened.ok());
    assert_memory_equal(opened->data(), secret().data(), 20);
    // A fresh nonce each time: the same plaintext never seals the same way.
    auto again = box.seal("alice", "totp", secret());
    assert_true(*again != *sealed);
}

void tamper_swap_and_wrong_key_fail(void**) {
    KeyRing key(key_of('a'));
    SecretBox box(key);
    auto sealed = *box.seal("alice", "totp", secret());
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        auto flipped = sealed;
        flipped[i] ^= 0x01;
        assert_false(box.open("alice", "totp", flipped).ok());
    }
    auto swapped = box.open("bob", "totp", sealed);
    assert_false(swapped.ok());
    assert_contains(swapped.error().message, "authentication failed");
    assert_false(box.open("alice", "phone", sealed).ok());
    assert_false(box.open("alic", "etotp", sealed).ok());  // length prefixes keep fields apart
    auto truncated = std::vector<std::uint8_t>(sealed.begin(), sealed.end() - 1);
    assert_false(box.open("alice", "totp", truncated).ok());
    assert_false(box.open("alice", "totp", std::vector<std::uint8_t>{}).ok());

    KeyRing other_key(key_of('b'));
    SecretBox other(other_key);
    auto wrong = other.open("alice", "totp", sealed);
    assert_false(wrong.ok());
    assert_contains(wrong.error().message, "a key mfad does not hold");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(loads_a_good_key),
        cmocka_unit_test(refuses_bad_key_files),
        cmocka_unit_test(refuses_a_fifo_without_hanging),
        cmocka_unit_test(refuses_a_key_owned_by_someone_else),
        cmocka_unit_test(generates_keys_and_never_overwrites),
        cmocka_unit_test(credentials_directory_wins),
        cmocka_unit_test(seal_round_trip),
        cmocka_unit_test(tamper_swap_and_wrong_key_fail),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
