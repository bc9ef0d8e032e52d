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

Claim step_claim(std::int64_t factor_id, std::int64_t step) {
    return Claim{Claim::Spend::time_step, factor_id, step, {}, "app"};
}

const FactorRecord& first_factor(const std::optional<UserRecord>& user) {
    assert_true(user.has_value() && !user->factors.empty());
    return user->factors.front();
}

// A fresh database numbers alice's first factor 1.
constexpr std::int64_t kAliceApp = 1;

void sealed_factor_round_trip_in_both_durabilities(void**) {
    for (auto durability : {Durability::full, Durability::normal}) {
        mfa::test::TempDir dir;
        auto key = test_key();
        SecretBox box(key);
        std::vector<std::uint8_t> secret = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        {
            auto store = open_store(dir.file("mfad.db"), durability);
            assert_true(store->start_enrollment("alice", totp(*box.seal("alice", "totp", secret)), 1000, peer_audit())
                            ->result == EnrollStart::started);
            // A second start before confirming replaces the pending secret.
            assert_true(store->start_enrollment("alice", totp(*box.seal("alice", "totp", secret)), 1700000000, peer_audit())
                            ->result == EnrollStart::started);
        }
        auto store = open_store(dir.file("mfad.db"), durability);
        auto loaded = store->load_user("alice");
        assert_true(loaded.ok() && loaded->has_value() && (*loaded)->factors.size() == 1);
        assert_true(first_factor(*loaded).state == FactorState::pending);
        assert_int_equal(first_factor(*loaded).created_at, 1700000000);
        auto opened = box.open("alice", "totp", first_factor(*loaded).sealed_secret);
        assert_true(opened.ok());
        assert_memory_equal(opened->data(), secret.data(), secret.size());
        assert_false(store->load_user("bob")->has_value());
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
        assert_true(store->start_enrollment(user, totp(*box.seal(user, "totp", secret)), 1, peer_audit()).ok());
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
    auto bob = store->load_user("bob");
    assert_false(box.open("bob", "totp", first_factor(*bob).sealed_secret).ok());
    auto alice = store->load_user("alice");
    assert_false(box.open("alice", "totp", first_factor(*alice).sealed_secret).ok());
}

// An enrolled user whose replay guard stands at step 100.
std::unique_ptr<SqliteStore> enrolled(const std::string& path) {
    auto store = open_store(path);
    assert_int_equal(store->start_enrollment("alice", totp(std::vector<std::uint8_t>(40, 1)), 1000, peer_audit())->factor_id,
                     kAliceApp);
    assert_true(*store->confirm_enrollment("alice", kAliceApp, step_claim(kAliceApp, 100), 1010, 900, peer_audit()) ==
                EnrollConfirm::confirmed);
    return store;
}

Attempt attempt(std::int64_t now, std::optional<std::int64_t> step) {
    std::vector<Claim> claims;
    if (step) claims.push_back(step_claim(kAliceApp, *step));
    return Attempt{"alice", {kAliceApp}, claims, now, 3, 300, peer_audit()};
}

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

void enrollment_confirms_once_and_refuses_a_second_start(void**) {
    mfa::test::TempDir dir;
    auto store = enrolled(dir.file("mfad.db"));
    auto user = *store->load_user("alice");
    assert_true(first_factor(user).state == FactorState::active);
    assert_true(first_factor(user).primary);
    assert_int_equal(first_factor(user).confirmed_at, 1010);
    assert_int_equal(first_factor(user).last_step, 100);
    assert_true(store->start_enrollment("alice", totp(std::vector<std::uint8_t>(40, 2)), 1020, peer_audit())->result ==
                EnrollStart::already_enabled);
    assert_true(*store->confirm_enrollment("alice", kAliceApp, step_claim(kAliceApp, 101), 1030, 900, peer_audit()) ==
                EnrollConfirm::no_pending);
    // A pending secret older than pending_since cannot be confirmed.
    auto bob = store->start_enrollment("bob", totp(std::vector<std::uint8_t>(40, 3)), 1000, peer_audit())->factor_id;
    assert_true(*store->confirm_enrollment("bob", bob, step_claim(bob, 5), 2000, 1400, peer_audit()) ==
                EnrollConfirm::no_pending);
}

void replay_of_a_step_is_refused(void**) {
    mfa::test::TempDir dir;
    auto store = enrolled(dir.file("mfad.db"));
    assert_true(store->record_attempt(attempt(2000, 100))->result == AttemptResult::replayed);  // used at confirm
    assert_true(store->record_attempt(attempt(2000, 101))->result == AttemptResult::accepted);
    assert_true(store->record_attempt(attempt(2001, 101))->result == AttemptResult::replayed);
    assert_true(store->record_attempt(attempt(2002, 99))->result == AttemptResult::replayed);  // older steps too
    assert_true(store->record_attempt(attempt(2030, 102))->result == AttemptResult::accepted);
    auto user = *store->load_user("alice");
    assert_int_equal(first_factor(user).last_step, 102);
    assert_int_equal(first_factor(user).last_used_at, 2030);
    assert_int_equal(user->last_verified_at, 2030);
}

// An attempt checked against a factor that is no longer the active one
// (reset, or enrolled anew since BEGIN) changes no state, and is audited as
// a failed login for that reason.
void an_attempt_on_a_replaced_factor_is_audited_and_changes_nothing(void**) {
    mfa::test::TempDir dir;
    auto store = enrolled(dir.file("mfad.db"));
    auto rows = query(dir.file("mfad.db"), "SELECT count(*) FROM audit");
    auto stale = attempt(2000, 101);
    stale.checked = {kAliceApp + 1};  // a factor removed since BEGIN
    assert_true(store->record_attempt(stale)->result == AttemptResult::factor_changed);
    stale.claims.clear();
    assert_true(store->record_attempt(stale)->result == AttemptResult::factor_changed);
    assert_int_equal(query(dir.file("mfad.db"), "SELECT count(*) FROM audit"), rows + 2);
    assert_int_equal(query(dir.file("mfad.db"),
                           "SELECT count(*) FROM audit WHERE event = 'verify_fail' AND result = 'factor_changed'"),
                     2);
    auto user = *store->load_user("alice");
    assert_int_equal(user->failures, 0);
    assert_int_equal(first_factor(user).last_step, 100);
    assert_true(store->record_attempt(attempt(2000, 101))->result == AttemptResult::accepted);  // the real factor
}

// Each authenticator has its own replay guard: step 101 used on one does not
// burn it on the other, and is refused on the first again.
void replay_protection_is_per_authenticator(void**) {
    mfa::test::TempDir dir;
    auto store = enrolled(dir.file("mfad.db"));
    auto tablet = store->start_enrollment("alice", totp(std::vector<std::uint8_t>(40, 9), "tablet"), 1100, peer_audit())->factor_id;
    assert_true(*store->confirm_enrollment("alice", tablet, step_claim(tablet, 90), 1110, 1000, peer_audit()) ==
                EnrollConfirm::confirmed);
    auto on = [&](std::int64_t factor, std::int64_t step) {
        return Attempt{"alice", {kAliceApp, tablet}, {step_claim(factor, step)}, 2000, 3, 300, peer_audit()};
    };
    assert_true(store->record_attempt(on(kAliceApp, 101))->result == AttemptResult::accepted);
    assert_true(store->record_attempt(on(tablet, 101))->result == AttemptResult::accepted);
    assert_true(store->record_attempt(on(kAliceApp, 101))->result == AttemptResult::replayed);
    assert_true(store->record_attempt(on(tablet, 101))->result == AttemptResult::replayed);
    // The first claim that spends wins: the app's fresh step after the tablet's used one.
    Attempt both{"alice", {kAliceApp, tablet}, {step_claim(tablet, 101), step_claim(kAliceApp, 102)}, 2001, 3, 300, peer_audit()};
    auto outcome = *store->record_attempt(both);
    assert_true(outcome.result == AttemptResult::accepted);
    auto user = *store->load_user("alice");
    assert_int_equal(user->factors[0].last_step, 102);
    assert_int_equal(user->factors[1].last_step, 101);
    // A factor started while the account had none (so without a code) is
    // dropped when another is confirmed: it proves nothing about holding that one.
    auto early = store->start_enrollment("bob", totp(std::vector<std::uint8_t>(40, 4), "early"), 1200, peer_audit())->factor_id;
    auto other = store->start_enrollment("bob", totp(std::vector<std::uint8_t>(40, 5), "other"), 1201, peer_audit())->factor_id;
    assert_true(*store->confirm_enrollment("bob", other, step_claim(other, 10), 1210, 1000, peer_audit()) ==
                EnrollConfirm::confirmed);
    assert_true(*store->confirm_enrollment("bob", early, step_claim(early, 10), 1220, 1000, peer_audit()) ==
                EnrollConfirm::no_pending);
    // Removing the tablet ends logins that checked it.
    assert_true(*store->remove_factor("alice", "tablet", 2002, peer_audit()) == FactorChange::changed);
    assert_true(store->record_attempt(on(kAliceApp, 103))->result == AttemptResult::factor_changed);
}

void failures_lock_at_the_cap_and_success_resets(void**) {
    mfa::test::TempDir dir;
    auto store = enrolled(dir.file("mfad.db"));
    assert_int_equal(store->record_attempt(attempt(2000, std::nullopt))->failures, 1);
    assert_int_equal(store->record_attempt(attempt(2001, std::nullopt))->failures, 2);
    assert_true(store->record_attempt(attempt(2002, 101))->result == AttemptResult::accepted);  // resets
    assert_int_equal((*store->load_user("alice"))->failures, 0);

    assert_int_equal(store->record_attempt(attempt(2010, std::nullopt))->failures, 1);
    assert_int_equal(store->record_attempt(attempt(2011, std::nullopt))->failures, 2);
    auto third = *store->record_attempt(attempt(2012, std::nullopt));
    assert_int_equal(third.locked_until, 2012 + 300);
    assert_int_equal(third.audited.size(), 2);
    assert_str_eq(third.audited[1].event, "lockout");
    // Locked: a right code gets the same answer as a wrong one, and nothing is counted or used.
    auto right = *store->record_attempt(attempt(2013, 102));
    assert_true(right.result == AttemptResult::locked);
    assert_int_equal(right.locked_until, 2312);
    assert_true(store->record_attempt(attempt(2014, std::nullopt))->result == AttemptResult::locked);
    assert_int_equal(first_factor(*store->load_user("alice")).last_step, 101);
    // After the lock, the step is still fresh and the count starts over.
    assert_true(store->record_attempt(attempt(2312, 102))->result == AttemptResult::accepted);
}

void audit_rows_form_a_hash_chain(void**) {
    mfa::test::TempDir dir;
    std::string path = dir.file("mfad.db");
    {
        auto store = enrolled(path);
        assert_true(store->record_attempt(attempt(2000, std::nullopt)).ok());
        assert_true(store->record_attempt(attempt(2001, 101)).ok());
    }
    auto db = sqlite::Database::open(path);
    auto rows = db->prepare("SELECT id, time, event, user, result, service, rhost, peer_uid, detail, prev_hash, hash "
                            "FROM audit ORDER BY id");
    std::vector<std::uint8_t> prev(32, 0);
    std::vector<std::string> events;
    while (*rows->step()) {
        AuditEntry e{rows->text(2), rows->text(3), rows->text(4), rows->text(5), rows->text(6),
                     static_cast<std::uint32_t>(rows->int64(7)), rows->text(8)};
        assert_true(rows->blob(9) == prev);
        auto hash = audit_row_hash(prev, rows->int64(0), rows->int64(1), e);
        assert_true(rows->blob(10) == std::vector<std::uint8_t>(hash.begin(), hash.end()));
        prev = rows->blob(10);
        events.push_back(e.event + "/" + e.result);
    }
    const std::vector<std::string> expected = {"enroll_start/ok", "enroll_confirm/ok", "verify_fail/fail", "verify_ok/ok"};
    assert_true(events == expected);
    // An edited row no longer matches its hash.
    AuditEntry edited{"verify_ok", "alice", "ok", "sshd", "192.0.2.1", 0, ""};
    auto honest = audit_row_hash(std::vector<std::uint8_t>(32, 0), 3, 2000, edited);
    edited.result = "fail";
    assert_true(audit_row_hash(std::vector<std::uint8_t>(32, 0), 3, 2000, edited) != honest);
}

// Four audit rows: enroll start and confirm, a failure, a success.
std::string four_rows(const mfa::test::TempDir& dir, const std::string& name) {
    std::string path = dir.file(name);
    auto store = enrolled(path);
    assert_true(store->record_attempt(attempt(2000, std::nullopt)).ok());
    assert_true(store->record_attempt(attempt(2001, 101)).ok());
    assert_int_equal(store->verify_audit_chain()->broken_id, 0);
    return path;
}

AuditCheck verify(const std::string& path, const KeyRing& key = test_key()) {
    auto store = SqliteStore::open(path, Durability::full, key);
    assert_true(store.ok());
    auto check = (*store)->verify_audit_chain();
    assert_true(check.ok());
    return *check;
}

void a_sealed_head_catches_truncation_and_rewrites(void**) {
    mfa::test::TempDir dir;
    // The newest row deleted: the chain alone cannot tell.
    auto truncated = four_rows(dir, "truncated.db");
    assert_true(sqlite::Database::open(truncated)->exec("DELETE FROM audit WHERE id = 4").ok());
    auto check = verify(truncated);
    assert_int_equal(check.broken_id, 4);
    assert_str_eq(check.reason, "it and the rows up to 4 were deleted");
    // mfad writing on after the truncation leaves the gap in place.
    {
        auto store = open_store(truncated);
        assert_true(store->append_audit(peer_audit(), 3000).ok());
        assert_int_equal(store->verify_audit_chain()->broken_id, 5);
    }

    // A row edited and every later hash recomputed, as anyone who read this code could.
    auto rewritten = four_rows(dir, "rewritten.db");
    {
        auto db = sqlite::Database::open(rewritten);
        assert_true(db->exec("UPDATE audit SET result = 'ok' WHERE id = 3").ok());
        auto rows = db->prepare("SELECT id, time, event, user, result, service, rhost, peer_uid, detail FROM audit ORDER BY id");
        std::vector<std::uint8_t> prev(32, 0);
        std::vector<std::pair<std::int64_t, AuditHash>> hashes;
        while (*rows->step()) {
            AuditEntry e{rows->text(2), rows->text(3), rows->text(4), rows->text(5), rows->text(6),
                         static_cast<std::uint32_t>(rows->int64(7)), rows->text(8)};
            auto hash = audit_row_hash(prev, rows->int64(0), rows->int64(1), e);
            hashes.emplace_back(rows->int64(0), hash);
            prev.assign(hash.begin(), hash.end());
        }
        for (std::size_t i = 0; i < hashes.size(); ++i) {
            auto fix = db->prepare("UPDATE audit SET hash = ?2, prev_hash = ?3 WHERE id = ?1");
            std::vector<std::uint8_t> before = i == 0 ? std::vector<std::uint8_t>(32, 0)
                                                      : std::vector<std::uint8_t>(hashes[i - 1].second.begin(),
                                                                                  hashes[i - 1].second.end());
            assert_true(fix->bind(1, hashes[i].first).bind(2, std::span<const std::uint8_t>(hashes[i].second))
                            .bind(3, std::span<const std::uint8_t>(before))
                            .run()
                            .ok());
        }
    }
    check = verify(rewritten);
    assert_int_equal(check.broken_id, 4);
    assert_str_eq(check.reason, "the chain was rewritten: it no longer ends in the sealed head");

    // Truncated, and the head moved back to match without the key.
    auto forged = four_rows(dir, "forged.db");
    assert_true(sqlite::Database::open(forged)
                    ->exec("DELETE FROM audit WHERE id = 4; UPDATE audit_head SET last_id = 3, "
                           "last_hash = (SELECT hash FROM audit WHERE id = 3)")
                    .ok());
    check = verify(forged);
    assert_int_equal(check.broken_id, 3);
    assert_str_eq(check.reason, "the sealed head was forged");

    // Another key cannot vouch for this head either.
    std::vector<std::uint8_t> other(32, 9);
    assert_str_eq(verify(four_rows(dir, "other-key.db"), KeyRing(std::move(*MasterKey::from_bytes(other)))).reason, "the sealed head was forged");
}

void unlock_and_reset(void**) {
    mfa::test::TempDir dir;
    auto store = enrolled(dir.file("mfad.db"));
    for (int i = 0; i < 3; ++i) assert_true(store->record_attempt(attempt(2000 + i, std::nullopt)).ok());
    assert_true((*store->load_user("alice"))->locked_until > 2002);

    auto unlocked = store->admin_action("alice", AdminActionKind::unlock, 2010, peer_audit());
    assert_true(unlocked->user_exists && unlocked->changed);
    auto user = *store->load_user("alice");
    assert_int_equal(user->locked_until, 0);
    assert_int_equal(user->factors.size(), 1);
    assert_false(store->admin_action("alice", AdminActionKind::unlock, 2011, peer_audit())->changed);  // idempotent

    assert_true(store->admin_action("alice", AdminActionKind::reset, 2020, peer_audit())->changed);
    assert_true((*store->load_user("alice"))->factors.empty());
    assert_false(store->admin_action("alice", AdminActionKind::reset, 2021, peer_audit())->changed);
    assert_false(store->admin_action("nobody", AdminActionKind::reset, 2022, peer_audit())->user_exists);
    // After a reset the user may enroll again.
    assert_true(store->start_enrollment("alice", totp(std::vector<std::uint8_t>(40, 5)), 2030, peer_audit())->result ==
                EnrollStart::started);
}

void the_chain_check_names_the_first_broken_row(void**) {
    mfa::test::TempDir dir;
    std::string path = dir.file("mfad.db");
    auto store = enrolled(path);  // rows 1-2
    for (int i = 0; i < 4; ++i) assert_true(store->record_attempt(attempt(2000 + i, 101 + i)).ok());  // rows 3-6
    auto intact = *store->verify_audit_chain();
    assert_int_equal(intact.rows, 6);
    assert_int_equal(intact.broken_id, 0);
    {
        auto db = sqlite::Database::open(path);
        assert_true(db->exec("UPDATE audit SET result = 'fail' WHERE id = 4").ok());
    }
    auto edited = *store->verify_audit_chain();
    assert_int_equal(edited.broken_id, 4);
    assert_str_eq(edited.reason, "its contents were changed");
    {
        auto db = sqlite::Database::open(path);
        assert_true(db->exec("UPDATE audit SET result = 'ok' WHERE id = 4; DELETE FROM audit WHERE id = 2").ok());
    }
    auto deleted = *store->verify_audit_chain();
    assert_int_equal(deleted.rows, 5);
    assert_int_equal(deleted.broken_id, 3);
    assert_str_eq(deleted.reason, "rows are missing before it");
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

// The checker walks on a connection of its own while the writer appends:
// rows and sealed head come from one snapshot, so no false "deleted" alarm.
void the_audit_checker_reads_one_snapshot_while_rows_are_added(void**) {
    mfa::test::TempDir dir;
    auto store = open_store(dir.file("mfad.db"), Durability::normal);
    AuditEntry entry{"verify_ok", "alice", "ok", "sshd", "", 0, ""};
    assert_true(store->run_group([&](Store& s) {
        for (int i = 0; i < 100000; ++i) assert_true(s.append_audit(entry, 1000 + i).ok());
    }).ok());
    auto walk = store->audit_chain_checker();
    std::atomic<bool> done{false};
    mfa::Result<AuditCheck> check = mfa::make_error("not run");
    std::thread walker([&] {
        check = walk();
        done = true;
    });
    int added = 0;
    do {  // at least one append, even if the walk is scheduled first and ends at once
        assert_true(store->append_audit(entry, 200000).ok());
        ++added;
    } while (!done);
    walker.join();
    if (!check) fail_msg("%s", check.error().message.c_str());
    assert_int_equal(check->broken_id, 0);
    assert_true(check->rows >= 100000);
    assert_int_equal(store->verify_audit_chain()->rows, 100000 + static_cast<std::uint64_t>(added));
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
    for (int i = 0; i < 600; ++i) assert_true(store->append_audit(entry, 1000 + i).ok());  // > 1000 WAL pages
    struct stat after{};
    for (int waited = 0; waited < 500; ++waited) {
        assert_int_equal(stat(path.c_str(), &after), 0);
        if (after.st_size > before.st_size) break;
        usleep(10000);
    }
    assert_true(after.st_size > before.st_size);
    store.reset();
    assert_int_equal(query(path, "SELECT count(*) FROM audit"), 600);
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
        cmocka_unit_test(a_sealed_head_catches_truncation_and_rewrites),
        cmocka_unit_test(creates_owner_only_files),
        cmocka_unit_test(refuses_symlinks_and_open_directories),
        cmocka_unit_test(refuses_a_file_that_is_not_a_database),
        cmocka_unit_test(sealed_factor_round_trip_in_both_durabilities),
        cmocka_unit_test(tampered_or_swapped_rows_fail_to_open),
        cmocka_unit_test(enrollment_confirms_once_and_refuses_a_second_start),
        cmocka_unit_test(replay_of_a_step_is_refused),
        cmocka_unit_test(an_attempt_on_a_replaced_factor_is_audited_and_changes_nothing),
        cmocka_unit_test(failures_lock_at_the_cap_and_success_resets),
        cmocka_unit_test(replay_protection_is_per_authenticator),
        cmocka_unit_test(audit_rows_form_a_hash_chain),
        cmocka_unit_test(unlock_and_reset),
        cmocka_unit_test(the_chain_check_names_the_first_broken_row),
        cmocka_unit_test(a_second_connection_keeps_commits_visible),
        cmocka_unit_test(a_full_disk_is_a_clear_error),
        cmocka_unit_test(the_audit_checker_reads_one_snapshot_while_rows_are_added),
        cmocka_unit_test(background_checkpoints_copy_the_wal_into_the_database),
        cmocka_unit_test(one_sql_text_can_be_in_use_twice),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
