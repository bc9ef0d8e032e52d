// The SQLite store: migrations, file safety, sealed round trips and tamper detection.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "cmocka.hpp"
#include "audit/audit_hash.hpp"
#include "crypto/secret_box.hpp"
#include "factors/totp/totp_match.hpp"
#include "mfa/otp.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_store.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

using namespace mfa::daemon;

namespace {

KeyRing test_key() {
    std::vector<std::uint8_t> bytes(32, 7);
    return KeyRing(std::move(*MasterKey::from_bytes(bytes)));
}

std::unique_ptr<SqliteStore> open_store(const std::string& path, Durability d = Durability::full) {
    auto store = SqliteStore::open(path, d, test_key());
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
    assert_int_equal(query(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('users', 'factors', 'audit')"), 3);
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
    auto store = SqliteStore::open(path, Durability::full, test_key());
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
    auto linked = SqliteStore::open(dir.file("link.db"), Durability::full, test_key());
    assert_false(linked.ok());
    assert_contains(linked.error().message, "symbolic link");

    assert_int_equal(mkdir(dir.file("realdir").c_str(), 0700), 0);
    assert_int_equal(symlink(dir.file("realdir").c_str(), dir.file("linkdir").c_str()), 0);
    auto via_link = SqliteStore::open(dir.file("linkdir/mfad.db"), Durability::full, test_key());
    assert_false(via_link.ok());
    assert_contains(via_link.error().message, "symbolic link");

    assert_int_equal(mkdir(dir.file("open").c_str(), 0777), 0);
    assert_int_equal(chmod(dir.file("open").c_str(), 0777), 0);
    auto open_dir = SqliteStore::open(dir.file("open/mfad.db"), Durability::full, test_key());
    assert_false(open_dir.ok());
    assert_contains(open_dir.error().message, "writable by group or others");
}

void refuses_a_file_that_is_not_a_database(void**) {
    mfa::test::TempDir dir;
    auto store = SqliteStore::open(dir.write("junk.db", std::string(4096, 'j')), Durability::full, test_key());
    assert_false(store.ok());
    assert_contains(store.error().message, "not a database");
}

AuditEntry peer_audit() { return AuditEntry{"", "", "", "sshd", "192.0.2.1", 0, ""}; }

NewFactor totp(std::vector<std::uint8_t> sealed, std::string name = "app") {
    return NewFactor{"totp", std::move(name), std::move(sealed), 0};
}

const FactorRecord& first_factor(const std::optional<UserRecord>& user) {
    assert_true(user.has_value() && !user->factors.empty());
    return user->factors.front();
}

// A fresh database numbers alice's first factor 1.
constexpr std::int64_t kAliceApp = 1;





// A database as an earlier release left it: the schema of `version`, made
// by that release's migration steps, with alice's active authenticator
// (sealed `secret`, replay guard at step 100) and two chained audit rows.
void earlier_release_database(const std::string& path, int version, std::span<const std::uint8_t> secret) {
    auto db = sqlite::Database::open(path);
    assert_true(db.ok());
    assert_int_equal(*migrate(*db, version), version);
    auto key = test_key();
    SecretBox box(key);
    auto sealed = box.seal("alice", "totp", secret);
    assert_true(db->exec("INSERT INTO users (id, name, created_at, last_verified_at) VALUES (7, 'alice', 900, 1500)").ok());
    auto factor = db->prepare(
        "INSERT INTO factors (user_id, kind, state, sealed_secret, created_at, confirmed_at, last_step) "
        "VALUES (7, 'totp', 'active', ?1, 1000, 1010, 100)");
    assert_true(factor->bind(1, std::span<const std::uint8_t>(*sealed)).run().ok());
    std::vector<std::uint8_t> prev(32, 0);
    for (std::int64_t id = 1; id <= 2; ++id) {
        AuditEntry e{id == 1 ? "enroll_start" : "enroll_confirm", "alice", "ok", "", "", 0, ""};
        auto hash = audit_row_hash(prev, id, 1000, e);
        auto row = db->prepare(
            "INSERT INTO audit (id, time, event, user, result, service, rhost, peer_uid, detail, prev_hash, hash) "
            "VALUES (?1, 1000, ?2, 'alice', 'ok', '', '', 0, '', ?3, ?4)");
        assert_true(row->bind(1, id).bind(2, e.event).bind(3, std::span<const std::uint8_t>(prev))
                        .bind(4, std::span<const std::uint8_t>(hash)).run().ok());
        prev.assign(hash.begin(), hash.end());
    }
}

// Schema 2 (before backup codes) and schema 3 (the release before several
// factors) both upgrade in place: alice keeps her authenticator, now named
// "app" and primary, with the same sealed secret and replay guard, logs in
// with a code from her old secret, and the old audit chain is sealed intact.
void upgrades_earlier_release_databases_in_place(void**) {
    const std::vector<std::uint8_t> secret(20, 0x5a);
    for (int version : {2, 3}) {
        mfa::test::TempDir dir;
        std::string path = dir.file("mfad.db");
        earlier_release_database(path, version, secret);
        auto store = open_store(path);
        assert_int_equal(store->schema_version(), latest_schema_version());
        auto alice = *store->load_user("alice");
        assert_int_equal(alice->factors.size(), 1);
        const FactorRecord& app = first_factor(alice);
        assert_str_eq(app.name, "app");
        assert_str_eq(app.kind, "totp");
        assert_true(app.state == FactorState::active && app.primary);
        assert_int_equal(app.confirmed_at, 1010);
        assert_int_equal(app.last_step, 100);
        assert_int_equal(app.last_used_at, 1500);
        assert_int_equal(alice->disabled_until, 0);
        auto key = test_key();
        SecretBox box(key);
        auto opened = box.open("alice", "totp", app.sealed_secret);
        assert_true(opened.ok());
        assert_memory_equal(opened->data(), secret.data(), secret.size());

        // A login with a code from the old secret: accepted once, replay refused.
        std::int64_t now = 101 * 30 + 5;
        auto step = match_totp(opened->view(), *mfa::otp::HotpKey::make(secret, 6, mfa::otp::Algorithm::sha1)->code(101),
                               now, Config::Totp{});
        assert_true(step.has_value() && *step == 101);
        Attempt login{"alice", {app.id}, {Claim{Claim::Spend::time_step, app.id, *step, {}, "app"}}, now, 3, 300, peer_audit()};
        assert_true(store->record_attempt(login)->result == AttemptResult::accepted);
        assert_true(store->record_attempt(login)->result == AttemptResult::replayed);
        assert_int_equal(query(path, "SELECT count(*) FROM backup_code_sets"), 0);
        // The chain written before the seal existed is sealed on first use, intact.
        assert_int_equal(store->verify_audit_chain()->broken_id, 0);
        assert_int_equal(query(path, "SELECT last_id FROM audit_head"), 4);
    }
}












// Regression: opening a second store on a live file once dropped the first
// one's POSIX locks, so an outside reader deleted the WAL under mfad.
void a_second_connection_keeps_commits_visible(void**) {
    mfa::test::TempDir dir;
    std::string path = dir.file("mfad.db");
    auto reader = open_store(path);
    auto writer = open_store(path);
    for (int i = 0; i < 3; ++i) {
        std::string user = "user" + std::to_string(i);
        assert_true(writer->start_enrollment(user, totp(std::vector<std::uint8_t>(40, 1)), 1000, peer_audit()).ok());
        // Another process's view: in-process connections share SQLite's lock bookkeeping.
        auto seen = mfa::test::run({"sqlite3", path, "SELECT count(*) FROM users"});
        assert_int_equal(seen.exit_code, 0);
        assert_str_eq(seen.out, std::to_string(i + 1) + "\n");
        assert_true(reader->load_user(user)->has_value());
    }
    assert_int_equal(access((path + "-wal").c_str(), F_OK), 0);
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


// The writer leaves checkpoints to a thread of its own; they must still
// happen, or the WAL would grow without end.
void background_checkpoints_copy_the_wal_into_the_database(void**) {
    mfa::test::TempDir dir;
    std::string path = dir.file("mfad.db");
    auto store = open_store(path, Durability::normal);
    assert_true(store->checkpoint_in_background(path).ok());
    struct stat before{};
    assert_int_equal(stat(path.c_str(), &before), 0);
    AuditEntry entry{"verify_ok", "alice", "ok", "sshd", "", 0, std::string(200, 'x')};
    // A checkpoint that runs while the writer goes on copies what was
    // committed by then, and the next waits for 1000 more pages: so write on,
    // in batches, until the file grows (600 rows pass 1000 WAL pages).
    struct stat after{};
    int rows = 0;
    for (int batch = 0; batch < 10 && after.st_size <= before.st_size; ++batch) {
        for (int i = 0; i < 600; ++i, ++rows) assert_true(store->append_audit(entry, 1000 + rows).ok());
        for (int waited = 0; waited < 100; ++waited) {
            assert_int_equal(stat(path.c_str(), &after), 0);
            if (after.st_size > before.st_size) break;
            usleep(10000);
        }
    }
    assert_true(after.st_size > before.st_size);
    store.reset();
    assert_int_equal(query(path, "SELECT count(*) FROM audit"), rows);
}

// A statement the code is still stepping is not lent out twice: the second
// use of the same SQL gets a statement of its own.
void one_sql_text_can_be_in_use_twice(void**) {
    mfa::test::TempDir dir;
    auto db = sqlite::Database::open(dir.file("t.db"));
    assert_true(db->exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2);").ok());
    const char* sql = "SELECT v FROM t ORDER BY v";
    auto outer = db->prepare(sql);
    assert_true(outer.ok() && *outer->step());
    assert_int_equal(outer->int64(0), 1);
    {
        auto inner = db->prepare(sql);
        assert_true(inner.ok() && *inner->step());
        assert_int_equal(inner->int64(0), 1);
    }
    assert_true(*outer->step());  // the outer statement kept its place
    assert_int_equal(outer->int64(0), 2);
    auto again = db->prepare(sql);  // the kept statement, reset for its next user
    assert_true(again.ok() && *again->step());
    assert_int_equal(again->int64(0), 1);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(migrates_from_empty),
        cmocka_unit_test(refuses_a_newer_schema),
        cmocka_unit_test(upgrades_earlier_release_databases_in_place),
        cmocka_unit_test(creates_owner_only_files),
        cmocka_unit_test(refuses_symlinks_and_open_directories),
        cmocka_unit_test(refuses_a_file_that_is_not_a_database),
        cmocka_unit_test(a_second_connection_keeps_commits_visible),
        cmocka_unit_test(a_full_disk_is_a_clear_error),
        cmocka_unit_test(background_checkpoints_copy_the_wal_into_the_database),
        cmocka_unit_test(one_sql_text_can_be_in_use_twice),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
