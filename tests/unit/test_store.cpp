// The SQLite store: migrations, file safety, sealed round trips and tamper detection.
#include <sys/stat.h>
#include <unistd.h>

#include "cmocka.hpp"
#include "crypto/secret_box.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_store.hpp"
#include "temp_dir.hpp"

using namespace mfa::daemon;

namespace {

MasterKey test_key() {
    std::vector<std::uint8_t> bytes(32, 7);
    return std::move(*MasterKey::from_bytes(bytes));
}

std::unique_ptr<SqliteStore> open_store(const std::string& path, Durability d = Durability::full) {
    auto store = SqliteStore::open(path, d);
    if (!store) fail_msg("%s", store.error().message.c_str());
    return std::move(*store);
}

std::int64_t query(const std::string& path, const std::string& sql) {
    auto db = sqlite::Database::open(path);
    assert_true(db.ok());
    auto value = db->query_int(sql);
    if (!value) fail_msg("%s", value.error().message.c_str());
    return *value;
}

void migrates_from_empty(void**) {
    mfa::test::TempDir dir;
    std::string path = dir.file("state/mfad.db");
    {
        auto store = open_store(path);
        assert_int_equal(store->schema_version(), latest_schema_version());
    }
    assert_int_equal(query(path, "PRAGMA user_version"), latest_schema_version());
    assert_int_equal(query(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('users', 'factors')"), 2);
    assert_int_equal(query(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    // Reopening applies nothing twice.
    auto again = open_store(path);
    assert_int_equal(again->schema_version(), latest_schema_version());
}

void refuses_a_newer_schema(void**) {
    mfa::test::TempDir dir;
    std::string path = dir.file("mfad.db");
    open_store(path);
    {
        auto db = sqlite::Database::open(path);
        assert_true(db->exec("PRAGMA user_version = 99").ok());
    }
    auto store = SqliteStore::open(path, Durability::full);
    assert_false(store.ok());
    assert_contains(store.error().message, "schema 99 is newer");
}

void creates_owner_only_files(void**) {
    mfa::test::TempDir dir;
    std::string path = dir.file("state/mfad.db");
    open_store(path);
    struct stat st{};
    assert_int_equal(stat(dir.file("state").c_str(), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(path.c_str(), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    // A file someone widened is narrowed again, since it is ours.
    assert_int_equal(chmod(path.c_str(), 0644), 0);
    open_store(path);
    assert_int_equal(stat(path.c_str(), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

void refuses_symlinks_and_open_directories(void**) {
    mfa::test::TempDir dir;
    std::string real = dir.file("real.db");
    open_store(real);
    assert_int_equal(symlink(real.c_str(), dir.file("link.db").c_str()), 0);
    auto linked = SqliteStore::open(dir.file("link.db"), Durability::full);
    assert_false(linked.ok());
    assert_contains(linked.error().message, "symbolic link");

    assert_int_equal(mkdir(dir.file("realdir").c_str(), 0700), 0);
    assert_int_equal(symlink(dir.file("realdir").c_str(), dir.file("linkdir").c_str()), 0);
    auto via_link = SqliteStore::open(dir.file("linkdir/mfad.db"), Durability::full);
    assert_false(via_link.ok());
    assert_contains(via_link.error().message, "symbolic link");

    assert_int_equal(mkdir(dir.file("open").c_str(), 0777), 0);
    assert_int_equal(chmod(dir.file("open").c_str(), 0777), 0);
    auto open_dir = SqliteStore::open(dir.file("open/mfad.db"), Durability::full);
    assert_false(open_dir.ok());
    assert_contains(open_dir.error().message, "writable by group or others");
}

void refuses_a_file_that_is_not_a_database(void**) {
    mfa::test::TempDir dir;
    auto store = SqliteStore::open(dir.write("junk.db", std::string(4096, 'j')), Durability::full);
    assert_false(store.ok());
    assert_contains(store.error().message, "not a database");
}

void sealed_factor_round_trip_in_both_durabilities(void**) {
    for (auto durability : {Durability::full, Durability::normal}) {
        mfa::test::TempDir dir;
        auto key = test_key();
        SecretBox box(key);
        std::vector<std::uint8_t> secret = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        {
            auto store = open_store(dir.file("mfad.db"), durability);
            FactorRecord record{"alice", FactorKind::totp, FactorState::pending, *box.seal("alice", "totp", secret), 1700000000};
            assert_true(store->save_factor(record).ok());
            record.state = FactorState::active;
            assert_true(store->save_factor(record).ok());  // replaces, never duplicates
        }
        auto store = open_store(dir.file("mfad.db"), durability);
        auto loaded = store->load_factor("alice", FactorKind::totp);
        assert_true(loaded.ok() && loaded->has_value());
        assert_true((*loaded)->state == FactorState::active);
        assert_int_equal((*loaded)->created_at, 1700000000);
        auto opened = box.open("alice", "totp", (*loaded)->sealed_secret);
        assert_true(opened.ok());
        assert_memory_equal(opened->data(), secret.data(), secret.size());
        assert_false(store->load_factor("bob", FactorKind::totp)->has_value());
        // Plaintext never reaches the file.
        std::string file = dir.file("mfad.db");
        assert_int_equal(query(file, "SELECT count(*) FROM factors WHERE instr(sealed_secret, x'090807060504030201') > 0"), 0);
    }
}

void tampered_or_swapped_rows_fail_to_open(void**) {
    mfa::test::TempDir dir;
    std::string path = dir.file("mfad.db");
    auto key = test_key();
    SecretBox box(key);
    std::vector<std::uint8_t> secret(20, 0x42);
    auto store = open_store(path);
    for (const char* user : {"alice", "bob"})
        assert_true(store->save_factor({user, FactorKind::totp, FactorState::active, *box.seal(user, "totp", secret), 1}).ok());

    {
        auto db = sqlite::Database::open(path);
        // Bob's row gets Alice's ciphertext (an attacker with write access to the file).
        assert_true(db->exec("UPDATE factors SET sealed_secret = (SELECT sealed_secret FROM factors f JOIN users u ON "
                             "u.id = f.user_id WHERE u.name = 'alice') WHERE user_id = (SELECT id FROM users WHERE "
                             "name = 'bob')")
                        .ok());
        // One flipped byte in Alice's.
        assert_true(db->exec("UPDATE factors SET sealed_secret = substr(sealed_secret, 1, 30) || x'ff' || "
                             "substr(sealed_secret, 32) WHERE user_id = (SELECT id FROM users WHERE name = 'alice')")
                        .ok());
    }
    auto bob = store->load_factor("bob", FactorKind::totp);
    assert_false(box.open("bob", "totp", (*bob)->sealed_secret).ok());
    auto alice = store->load_factor("alice", FactorKind::totp);
    assert_false(box.open("alice", "totp", (*alice)->sealed_secret).ok());
}

void a_full_disk_is_a_clear_error(void**) {
    mfa::test::TempDir dir;
    auto db = sqlite::Database::open(dir.file("small.db"));
    assert_true(db->exec("CREATE TABLE t (v BLOB); PRAGMA max_page_count = 8;").ok());
    mfa::Result<void> rc;
    for (int i = 0; i < 100 && rc.ok(); ++i) rc = db->exec("INSERT INTO t VALUES (zeroblob(2048))");
    assert_false(rc.ok());
    assert_contains(rc.error().message, "disk full");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(migrates_from_empty),
        cmocka_unit_test(refuses_a_newer_schema),
        cmocka_unit_test(creates_owner_only_files),
        cmocka_unit_test(refuses_symlinks_and_open_directories),
        cmocka_unit_test(refuses_a_file_that_is_not_a_database),
        cmocka_unit_test(sealed_factor_round_trip_in_both_durabilities),
        cmocka_unit_test(tampered_or_swapped_rows_fail_to_open),
        cmocka_unit_test(a_full_disk_is_a_clear_error),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
