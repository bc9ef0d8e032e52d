// The store's decisions, run once on SQLite and once on a private PostgreSQL:
// enrollment, replay, lockout, reset, the sealed audit chain and its checks,
// tampering from inside the database, and two connections racing.
#include <atomic>
#include <thread>

#include "cmocka.hpp"
#include "audit/audit_hash.hpp"
#include "crypto/secret_box.hpp"
#include "store_backends.hpp"

using namespace mfa::daemon;
using mfa::test::StoreBackend;

namespace {

StoreBackend* g_backend = nullptr;

StoreBackend& backend() { return *g_backend; }

KeyRing test_key() {
    std::vector<std::uint8_t> bytes(32, 7);
    return KeyRing(std::move(*MasterKey::from_bytes(bytes)));
}

// A fresh database named after the test, and a store on it.
std::unique_ptr<Store> fresh_store(const std::string& label) {
    backend().fresh(label);
    return backend().open(test_key());
}

std::int64_t query(const std::string& sql) {
    auto value = backend().side_door()->query_int(sql);
    if (!value) fail_msg("%s", value.error().message.c_str());
    return *value;
}

void side_exec(const std::string& sql) {
    auto rc = backend().side_door()->exec(sql);
    if (!rc) fail_msg("%s: %s", sql.c_str(), rc.error().message.c_str());
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

// An enrolled user whose replay guard stands at step 100.
std::unique_ptr<Store> enrolled(const std::string& label) {
    auto store = fresh_store(label);
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

// Every factor's sealed secret, read from outside mfad.
std::vector<std::vector<std::uint8_t>> sealed_secrets() {
    auto db = backend().side_door();
    auto rows = db->prepare("SELECT sealed_secret FROM factors ORDER BY id");
    std::vector<std::vector<std::uint8_t>> out;
    while (*rows->step()) out.push_back(rows->blob(0));
    return out;
}

void set_sealed_secret(const std::string& user, const std::vector<std::uint8_t>& blob) {
    auto db = backend().side_door();
    auto put = db->prepare("UPDATE factors SET sealed_secret = ?2 WHERE user_id = (SELECT id FROM users WHERE name = ?1)");
    assert_true(put->bind(1, user).bind(2, std::span<const std::uint8_t>(blob)).run().ok());
    assert_int_equal(db->changes(), 1);
}

void sealed_factor_round_trip(void**) {
    auto key = test_key();
    SecretBox box(key);
    std::vector<std::uint8_t> secret = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    {
        auto store = fresh_store("round_trip");
        assert_true(store->start_enrollment("alice", totp(*box.seal("alice", "totp", secret)), 1000, peer_audit())->result ==
                    EnrollStart::started);
        // A second start before confirming replaces the pending secret.
        assert_true(store->start_enrollment("alice", totp(*box.seal("alice", "totp", secret)), 1700000000, peer_audit())
                        ->result == EnrollStart::started);
    }
    auto store = backend().open(test_key());
    auto loaded = store->load_user("alice");
    assert_true(loaded.ok() && loaded->has_value() && (*loaded)->factors.size() == 1);
    assert_true(first_factor(*loaded).state == FactorState::pending);
    assert_int_equal(first_factor(*loaded).created_at, 1700000000);
    auto opened = box.open("alice", "totp", first_factor(*loaded).sealed_secret);
    assert_true(opened.ok());
    assert_memory_equal(opened->data(), secret.data(), secret.size());
    assert_false(store->load_user("bob")->has_value());
    // Plaintext never reaches the database.
    auto stored = sealed_secrets();
    assert_int_equal(stored.size(), 1);
    assert_true(std::search(stored[0].begin(), stored[0].end(), secret.begin(), secret.begin() + 9) == stored[0].end());
}

void tampered_or_swapped_rows_fail_to_open(void**) {
    auto key = test_key();
    SecretBox box(key);
    std::vector<std::uint8_t> secret(20, 0x42);
    auto store = fresh_store("tampered");
    for (const char* user : {"alice", "bob"})
        assert_true(store->start_enrollment(user, totp(*box.seal(user, "totp", secret)), 1, peer_audit()).ok());
    auto stored = sealed_secrets();
    // Bob's row gets Alice's ciphertext (someone with write access to the database).
    set_sealed_secret("bob", stored[0]);
    // One flipped byte in Alice's.
    stored[0][30] ^= 0xff;
    set_sealed_secret("alice", stored[0]);
    auto bob = store->load_user("bob");
    assert_false(box.open("bob", "totp", first_factor(*bob).sealed_secret).ok());
    auto alice = store->load_user("alice");
    assert_false(box.open("alice", "totp", first_factor(*alice).sealed_secret).ok());
}

void enrollment_confirms_once_and_refuses_a_second_start(void**) {
    auto store = enrolled("confirm_once");
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
    auto store = enrolled("replay");
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
    auto store = enrolled("replaced");
    auto rows = query("SELECT count(*) FROM audit");
    auto stale = attempt(2000, 101);
    stale.checked = {kAliceApp + 1};  // a factor removed since BEGIN
    assert_true(store->record_attempt(stale)->result == AttemptResult::factor_changed);
    stale.claims.clear();
    assert_true(store->record_attempt(stale)->result == AttemptResult::factor_changed);
    assert_int_equal(query("SELECT count(*) FROM audit"), rows + 2);
    assert_int_equal(query("SELECT count(*) FROM audit WHERE event = 'verify_fail' AND result = 'factor_changed'"), 2);
    auto user = *store->load_user("alice");
    assert_int_equal(user->failures, 0);
    assert_int_equal(first_factor(user).last_step, 100);
    assert_true(store->record_attempt(attempt(2000, 101))->result == AttemptResult::accepted);  // the real factor
}

// Each authenticator has its own replay guard: step 101 used on one does not
// burn it on the other, and is refused on the first again.
void replay_protection_is_per_authenticator(void**) {
    auto store = enrolled("per_authenticator");
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
    auto store = enrolled("lockout");
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
    {
        auto store = enrolled("chain");
        assert_true(store->record_attempt(attempt(2000, std::nullopt)).ok());
        assert_true(store->record_attempt(attempt(2001, 101)).ok());
    }
    auto db = backend().side_door();
    auto rows = db->prepare("SELECT id, time, event, \"user\", result, service, rhost, peer_uid, detail, prev_hash, hash "
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
        events.push_back(e.user + ":" + e.event + "/" + e.result);
    }
    // The enrollment rows carry the caller's user (here none); "user" is quoted, a keyword in PostgreSQL.
    const std::vector<std::string> expected = {":enroll_start/ok", ":enroll_confirm/ok", "alice:verify_fail/fail",
                                               "alice:verify_ok/ok"};
    assert_true(events == expected);
    // An edited row no longer matches its hash.
    AuditEntry edited{"verify_ok", "alice", "ok", "sshd", "192.0.2.1", 0, ""};
    auto honest = audit_row_hash(std::vector<std::uint8_t>(32, 0), 3, 2000, edited);
    edited.result = "fail";
    assert_true(audit_row_hash(std::vector<std::uint8_t>(32, 0), 3, 2000, edited) != honest);
}

// A fresh database with four audit rows: enroll start and confirm, a failure, a success.
void four_rows(const std::string& label) {
    auto store = enrolled(label);
    assert_true(store->record_attempt(attempt(2000, std::nullopt)).ok());
    assert_true(store->record_attempt(attempt(2001, 101)).ok());
    assert_int_equal(store->verify_audit_chain()->broken_id, 0);
}

AuditCheck verify(const KeyRing& key = test_key()) {
    auto check = backend().open(key)->verify_audit_chain();
    if (!check) fail_msg("%s", check.error().message.c_str());
    return *check;
}

// A row edited and every later hash recomputed, as anyone who read this code could.
void rewrite_the_chain_after_editing_row_3() {
    auto db = backend().side_door();
    assert_true(db->exec("UPDATE audit SET result = 'ok' WHERE id = 3").ok());
    auto rows = db->prepare("SELECT id, time, event, \"user\", result, service, rhost, peer_uid, detail FROM audit ORDER BY id");
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

void a_sealed_head_catches_truncation_and_rewrites(void**) {
    // The newest row deleted: the chain alone cannot tell.
    four_rows("truncated");
    side_exec("DELETE FROM audit WHERE id = 4");
    auto check = verify();
    assert_int_equal(check.broken_id, 4);
    assert_str_eq(check.reason, "it and the rows up to 4 were deleted");
    // mfad writing on after the truncation leaves the gap in place.
    {
        auto store = backend().open(test_key());
        assert_true(store->append_audit(peer_audit(), 3000).ok());
        assert_int_equal(store->verify_audit_chain()->broken_id, 5);
    }

    four_rows("rewritten");
    rewrite_the_chain_after_editing_row_3();
    check = verify();
    assert_int_equal(check.broken_id, 4);
    assert_str_eq(check.reason, "the chain was rewritten: it no longer ends in the sealed head");

    // Truncated, and the head moved back to match without the key.
    four_rows("forged");
    side_exec("DELETE FROM audit WHERE id = 4; UPDATE audit_head SET last_id = 3, "
              "last_hash = (SELECT hash FROM audit WHERE id = 3)");
    check = verify();
    assert_int_equal(check.broken_id, 3);
    assert_str_eq(check.reason, "the sealed head was forged");

    // Another key cannot vouch for this head either.
    four_rows("other_key");
    std::vector<std::uint8_t> other(32, 9);
    assert_str_eq(verify(KeyRing(std::move(*MasterKey::from_bytes(other)))).reason, "the sealed head was forged");
}

void unlock_and_reset(void**) {
    auto store = enrolled("unlock_reset");
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

ChallengeRequest challenge(std::int64_t now, const std::string& channel, bool verified) {
    ChallengeRequest r{"alice", kAliceApp, std::vector<std::uint8_t>(32, 3), std::vector<std::uint8_t>(32, 4), now,
                       now + 300};
    r.channel = channel;
    r.verified_destination = verified;
    return r;
}

// Another host may lock the account, or pause its push, after a login began:
// the issuing transaction reads both, so no text or push goes out meanwhile.
void no_code_is_issued_while_locked_or_push_paused(void**) {
    auto store = enrolled("challenge_lock");
    for (int i = 0; i < 3; ++i) assert_true(store->record_attempt(attempt(2000 + i, std::nullopt)).ok());
    auto refused = *store->issue_challenge(challenge(2010, "sms", true), peer_audit());
    assert_true(refused.result == ChallengeIssue::locked);
    assert_int_equal(refused.retry_at, 2302);
    assert_int_equal(query("SELECT count(*) FROM sends"), 0);
    assert_int_equal(query("SELECT count(*) FROM challenges"), 0);
    assert_int_equal(query("SELECT count(*) FROM audit WHERE event = 'sms_refused' AND result = 'locked'"), 1);
    // Confirming a number being enrolled is no login: the lock does not stop it.
    assert_true(store->issue_challenge(challenge(2011, "sms", false), peer_audit())->result == ChallengeIssue::issued);
    assert_true(store->issue_challenge(challenge(2302, "sms", true), peer_audit())->result == ChallengeIssue::issued);

    side_exec("UPDATE users SET push_paused_until = 5000");
    for (bool verified : {true, false}) {
        auto paused = *store->issue_challenge(challenge(2400, "push", verified), peer_audit());
        assert_true(paused.result == ChallengeIssue::paused);
        assert_int_equal(paused.retry_at, 5000);
    }
    assert_int_equal(query("SELECT count(*) FROM sends WHERE channel = 'push'"), 0);
    assert_true(store->issue_challenge(challenge(5000, "push", true), peer_audit())->result == ChallengeIssue::issued);
}

PushEnd push_end(PushEnding ending, std::int64_t challenge_id, std::int64_t now) {
    return PushEnd{"alice", challenge_id, ending, now, 3, 600, 3, 300, peer_audit()};
}

// How pushes end: a denial counts as a failure and a miss, misses in a row
// pause push, "not me" locks at once, and only an approval spends the code.
void push_endings_count_pause_and_lock(void**) {
    auto store = enrolled("push_endings");
    auto issue = [&](std::int64_t now) {
        auto issued = *store->issue_challenge(challenge(now, "push", true), peer_audit());
        assert_true(issued.result == ChallengeIssue::issued);
        return issued.challenge_id;
    };
    auto denied = *store->record_push(push_end(PushEnding::denied, issue(3000), 3001));
    assert_int_equal(denied.locked_until, 0);
    assert_int_equal(query("SELECT failures FROM users"), 1);
    assert_int_equal(query("SELECT count(*) FROM challenges"), 0);  // freed for the next push
    assert_true(store->record_push(push_end(PushEnding::expired, issue(3010), 3011)).ok());
    auto third = *store->record_push(push_end(PushEnding::cancelled, issue(3020), 3021));
    assert_int_equal(third.paused_until, 3021 + 600);
    assert_int_equal(query("SELECT push_misses FROM users"), 0);
    assert_int_equal(query("SELECT push_paused_until FROM users"), 3621);
    assert_str_eq(third.audited.back().event, "push_paused");

    auto approved = *store->record_push(push_end(PushEnding::approved, issue(3700), 3701));
    assert_int_equal(approved.locked_until, 0);
    assert_int_equal(query("SELECT count(*) FROM challenges"), 1);  // spent by the login, not here
    auto not_me = *store->record_push(push_end(PushEnding::not_me, issue(3800), 3801));
    assert_int_equal(not_me.locked_until, 3801 + 300);
    assert_int_equal(query("SELECT locked_until FROM users"), 4101);
    assert_int_equal(query("SELECT failures FROM users"), 0);  // the lock starts a fresh count
    assert_int_equal(query("SELECT count(*) FROM audit WHERE event = 'lockout'"), 1);
    assert_int_equal(query("SELECT count(*) FROM audit WHERE event LIKE 'push_%'"), 6);
}

// An intact chain of `rows` rows (each result 'ok'); row `edited` changed is
// named, and once it is put back, row `deleted` gone names the row after it.
void edits_and_gaps_are_named(Store& store, std::int64_t rows, std::int64_t edited, std::int64_t deleted) {
    auto intact = *store.verify_audit_chain();
    assert_int_equal(intact.rows, rows);
    assert_int_equal(intact.broken_id, 0);
    side_exec("UPDATE audit SET result = 'fail' WHERE id = " + std::to_string(edited));
    auto changed = *store.verify_audit_chain();
    assert_int_equal(changed.broken_id, edited);
    assert_str_eq(changed.reason, "its contents were changed");
    side_exec("UPDATE audit SET result = 'ok' WHERE id = " + std::to_string(edited) +
              "; DELETE FROM audit WHERE id = " + std::to_string(deleted));
    auto gap = *store.verify_audit_chain();
    assert_int_equal(gap.rows, rows - 1);
    assert_int_equal(gap.broken_id, deleted + 1);
    assert_str_eq(gap.reason, "rows are missing before it");
}

void the_chain_check_names_the_first_broken_row(void**) {
    auto store = enrolled("first_broken");  // rows 1-2
    for (int i = 0; i < 4; ++i) assert_true(store->record_attempt(attempt(2000 + i, 101 + i)).ok());  // rows 3-6
    edits_and_gaps_are_named(*store, 6, 4, 2);
}

// The chain is read in pages (1,000 rows): a break, or a gap, on a later page
// or at a page's edge is found, and the rows of every page are counted.
void a_break_past_the_first_page_is_found(void**) {
    auto store = fresh_store("paged_chain");
    AuditEntry entry{"verify_ok", "alice", "ok", "sshd", "", 0, ""};
    assert_true(store->run_group([&](Store& s) {
        for (int i = 0; i < 2500; ++i) assert_true(s.append_audit(entry, 1000 + i).ok());
    }).ok());
    edits_and_gaps_are_named(*store, 2500, 2100, 1001);
    // A row numbered below the chain (a copy of row 1 as -5) is no row of it.
    side_exec("INSERT INTO audit SELECT -5, time, event, \"user\", result, service, rhost, peer_uid, detail, prev_hash, "
              "hash FROM audit WHERE id = 1");
    auto below = *store->verify_audit_chain();
    assert_int_equal(below.rows, 2500);
    assert_int_equal(below.broken_id, 1);
    assert_str_eq(below.reason, "a row numbered -5 stands before the chain");
}

// The checker walks on a connection of its own while the writer appends:
// rows and sealed head come from one snapshot, so no false "deleted" alarm.
void the_audit_checker_reads_one_snapshot_while_rows_are_added(void**) {
    auto store = fresh_store("checker_snapshot");
    const int bulk = backend().bulk_rows();
    AuditEntry entry{"verify_ok", "alice", "ok", "sshd", "", 0, ""};
    assert_true(store->run_group([&](Store& s) {
        for (int i = 0; i < bulk; ++i) assert_true(s.append_audit(entry, 1000 + i).ok());
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
    assert_true(check->rows >= static_cast<std::uint64_t>(bulk));
    assert_int_equal(store->verify_audit_chain()->rows, static_cast<std::uint64_t>(bulk + added));
}

// Two connections (two hosts' worth) race the same fresh code and the same
// wrong ones: each code is spent once, and the lock engages at exactly the cap.
void two_writers_spend_a_code_once_and_lock_at_the_cap(void**) {
    auto first = enrolled("two_writers");
    auto second = backend().open(test_key());
    constexpr int kRounds = 100;
    for (int round = 0; round < kRounds; ++round) {
        std::atomic<int> accepted{0};
        auto login = [&](Store& store) {
            auto outcome = store.record_attempt(attempt(3000 + round, 101 + round));
            if (!outcome) fail_msg("%s", outcome.error().message.c_str());
            if (outcome->result == AttemptResult::accepted) ++accepted;
        };
        std::thread a([&] { login(*first); });
        std::thread b([&] { login(*second); });
        a.join();
        b.join();
        assert_int_equal(accepted.load(), 1);
    }
    // Each round's loser was a replay, counted as a failure: start the count afresh.
    assert_true(first->admin_action("alice", AdminActionKind::unlock, 9000, peer_audit()).ok());
    // Wrong codes from both at once: the third failure locks, never a fourth counted past it.
    constexpr int kWrong = 40;
    std::atomic<int> locked_answers{0};
    auto guess = [&](Store& store, int from) {
        for (int i = 0; i < kWrong / 2; ++i) {
            auto outcome = store.record_attempt(attempt(10000 + from + i, std::nullopt));
            if (!outcome) fail_msg("%s", outcome.error().message.c_str());
            if (outcome->result == AttemptResult::locked) ++locked_answers;
        }
    };
    std::thread a([&] { guess(*first, 0); });
    std::thread b([&] { guess(*second, 0); });
    a.join();
    b.join();
    assert_int_equal(query("SELECT count(*) FROM audit WHERE event = 'verify_fail' AND result = 'fail'"), 3);
    assert_int_equal(query("SELECT count(*) FROM audit WHERE event = 'lockout'"), 1);
    assert_int_equal(locked_answers.load(), kWrong - 3);
    assert_int_equal(first->verify_audit_chain()->broken_id, 0);
}

// A statement that fails inside a transaction: a commit either keeps what
// came before it, or says it did not. (PostgreSQL answers COMMIT in an
// aborted transaction with "ROLLBACK", not with an error.)
void a_commit_never_claims_rows_that_are_not_there(void**) {
    fresh_store("commit_after_error");
    auto db = backend().side_door();
    auto tx = sql::Transaction::begin(*db);
    assert_true(tx.ok());
    assert_true(db->exec("INSERT INTO users (name, created_at) VALUES ('kept', 1)").ok());
    assert_false(db->exec("SELECT no_such_column FROM users").ok());
    bool committed = tx->commit().ok();
    assert_int_equal(query("SELECT count(*) FROM users WHERE name = 'kept'"), committed ? 1 : 0);
}

mfa::test::PostgresServer* g_server = nullptr;

int use_sqlite(void**) {
    g_backend = mfa::test::sqlite_backend().release();
    return 0;
}

int use_postgresql(void**) {
    try {
        g_server = new mfa::test::PostgresServer();
    } catch (const std::exception& e) {
        fprintf(stderr, "cannot start PostgreSQL: %s\n", e.what());
        return -1;  // the group fails; it is never skipped
    }
    g_backend = mfa::test::postgresql_backend(*g_server).release();
    return 0;
}

int drop_backend(void**) {
    delete g_backend;
    g_backend = nullptr;
    delete g_server;
    g_server = nullptr;
    return 0;
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(sealed_factor_round_trip),
        cmocka_unit_test(tampered_or_swapped_rows_fail_to_open),
        cmocka_unit_test(enrollment_confirms_once_and_refuses_a_second_start),
        cmocka_unit_test(replay_of_a_step_is_refused),
        cmocka_unit_test(an_attempt_on_a_replaced_factor_is_audited_and_changes_nothing),
        cmocka_unit_test(replay_protection_is_per_authenticator),
        cmocka_unit_test(failures_lock_at_the_cap_and_success_resets),
        cmocka_unit_test(audit_rows_form_a_hash_chain),
        cmocka_unit_test(a_sealed_head_catches_truncation_and_rewrites),
        cmocka_unit_test(unlock_and_reset),
        cmocka_unit_test(no_code_is_issued_while_locked_or_push_paused),
        cmocka_unit_test(push_endings_count_pause_and_lock),
        cmocka_unit_test(the_chain_check_names_the_first_broken_row),
        cmocka_unit_test(a_break_past_the_first_page_is_found),
        cmocka_unit_test(the_audit_checker_reads_one_snapshot_while_rows_are_added),
        cmocka_unit_test(two_writers_spend_a_code_once_and_lock_at_the_cap),
        cmocka_unit_test(a_commit_never_claims_rows_that_are_not_there),
    };
    int failed = cmocka_run_group_tests_name("store on sqlite", tests, use_sqlite, drop_backend);
    failed += cmocka_run_group_tests_name("store on postgresql", tests, use_postgresql, drop_backend);
    return failed;
}
