#include "server/key_rotation.hpp"

#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "crypto/pending_key_file.hpp"
#include "factors/factor_registry.hpp"
#include "sender/email_codes.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

// Every host of a fleet holds the key, and the rotation's waiting new key is
// a file on one host: rotating across a fleet is not built yet.
constexpr const char* kNotOnPostgresql =
    "mfactl admin rekey works with the SQLite store only; with store.backend postgresql, see the admin guide";

// The new key's associated data while it waits in the store.
constexpr std::string_view kNewKeyField = "rekey";

std::string hex(std::span<const std::uint8_t> bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (auto b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::vector<std::uint8_t> id_bytes(const MasterKey& key) { return {key.id().begin(), key.id().end()}; }

RotationStatus status_of(const KeyRotation& row) {
    return RotationStatus{hex(row.old_key_id), hex(row.new_key_id), row.resealed, row.finished_at != 0 ? 0 : -1,
                          row.finished_at != 0, ""};
}

}  // namespace

std::string KeyRotator::pending_path() const { return state_.config->database + ".newkey"; }

Result<void> KeyRotator::restore(Store& store) {
    auto row = store.key_rotation();
    if (!row) return row.error();
    // Written before the row: a crash between the two leaves a file alone.
    if (!*row) return destroy_pending_key(pending_path());
    const KeyRotation& rotation = **row;
    auto primary = id_bytes(keys_.primary());
    std::string names = "the key rotation from " + hex(rotation.old_key_id) + " to " + hex(rotation.new_key_id);
    if (primary == rotation.new_key_id) {
        if (rotation.finished_at == 0)
            return make_error(names + " is unfinished and mfad was given the new key: give it the old key (" +
                              hex(rotation.old_key_id) + ") until 'mfactl admin rekey --status' says it is done");
        // The new key is installed: nothing needs the old one, or the waiting copy.
        if (auto rc = destroy_pending_key(pending_path()); !rc) return rc.error();
        AuditEntry entry{"rekey_installed", "", "ok", "", "", 0, "key=" + hex(rotation.new_key_id)};
        journal_audit(entry);
        if (auto rc = store.append_audit(entry, DaemonState::now()); !rc) return rc.error();
        return store.forget_key_rotation();
    }
    if (primary != rotation.old_key_id)
        return make_error("mfad was given key " + keys_.primary().id_hex() + ", neither key of " + names);
    last_ = status_of(rotation);
    auto sealed = read_pending_key(pending_path());
    if (!sealed) return sealed.error();
    if (!*sealed) {
        if (rotation.finished_at != 0)
            return make_error(names + " finished: every secret is sealed under the new key; install it as mfad's key");
        last_.problem = "the new key is not here (" + pending_path() + " is gone): run mfactl admin rekey --new-key FILE again";
        log::error("a key rotation waits for its new key; secrets already re-sealed cannot be opened until then",
                   {{"MFA_REASON", last_.problem}});
        return {};
    }
    auto bytes = SecretBox(keys_).open("", kNewKeyField, **sealed);
    if (!bytes) return make_error(names + ": the waiting new key does not open: " + bytes.error().message);
    auto key = MasterKey::from_bytes(bytes->view());
    if (!key) return key.error();
    if (id_bytes(*key) != rotation.new_key_id) return make_error(names + ": the waiting new key has another id");
    keys_.promote(std::move(*key));
    store.use_keys(keys_);
    if (rotation.finished_at != 0)
        log::warning("the key rotation finished: install the new key as mfad's key", {{"MFA_NEW_KEY", hex(rotation.new_key_id)}});
    else
        log::notice("resuming the key rotation", {{"MFA_OLD_KEY", hex(rotation.old_key_id)}, {"MFA_NEW_KEY", hex(rotation.new_key_id)}});
    return {};
}

void KeyRotator::resume(const asio::any_io_executor& executor) {
    if (keys_.keys().size() < 2 || last_.finished || running_ || stopping_) return;
    // Re-sealing is refused on a fleet's store (every host needs the new key
    // first), and its batches hold references a store thread must not outlive.
    if (state_.store->local() == nullptr) return;
    running_ = true;
    last_.problem.clear();
    asio::co_spawn(executor, reseal_all(), asio::detached);
}

Awaitable<Result<void>> KeyRotator::begin(const RequestContext& ctx, MasterKey& key) {
    // Checked and written without another begin() in between (they interleave at co_await).
    if (starting_) co_return make_error("a key rotation is being started; try again in a moment");
    starting_ = true;
    struct Started {
        bool& flag;
        ~Started() { flag = false; }
    } started{starting_};
    Store* store = state_.store->local();
    if (store == nullptr) co_return make_error(kNotOnPostgresql);
    auto row = store->key_rotation();
    if (!row) co_return row.error();
    auto wanted = id_bytes(key);
    auto executor = co_await asio::this_coro::executor;
    if (*row && (*row)->finished_at == 0) {
        if ((*row)->new_key_id != wanted)
            co_return make_error("a rotation to key " + hex((*row)->new_key_id) + " is unfinished; finish it first");
        if (keys_.find(key.id()) == nullptr) {
            // Its waiting copy was lost: this is the key, so it waits again and the work goes on.
            auto sealed = SecretBox(keys_).seal("", kNewKeyField, key.bytes());
            if (!sealed) co_return sealed.error();
            if (auto rc = write_pending_key(pending_path(), *sealed); !rc) co_return rc.error();
            keys_.promote(std::move(key));
            store->use_keys(keys_);
        }
        resume(executor);  // the same key again: go on (after a stop, too)
        co_return Result<void>{};
    }
    if (keys_.find(key.id()) != nullptr) co_return make_error("that key is already mfad's key");
    std::int64_t now = DaemonState::now();
    auto sealed = SecretBox(keys_).seal("", kNewKeyField, key.bytes());
    if (!sealed) co_return sealed.error();
    // The file first: a row without its key could not go on after a restart.
    if (auto rc = write_pending_key(pending_path(), *sealed); !rc) co_return rc.error();
    KeyRotation rotation{id_bytes(keys_.primary()), wanted, now, 0, 0};
    AuditEntry entry{"rekey_start", "", "ok", "", "", ctx.peer.uid,
                     "old=" + hex(rotation.old_key_id) + " new=" + hex(rotation.new_key_id)};
    auto save = [rotation, entry](Store& s) { return s.begin_key_rotation(rotation, entry); };
    if (auto rc = co_await state_.writes->submit<void>(save); !rc) {
        (void)destroy_pending_key(pending_path());
        co_return rc.error();
    }
    journal_audit(entry);
    keys_.promote(std::move(key));
    store->use_keys(keys_);
    last_ = status_of(rotation);
    resume(executor);
    co_return Result<void>{};
}

Result<RotationStatus> KeyRotator::status() {
    Store* store = state_.store->local();
    if (store == nullptr) return make_error(kNotOnPostgresql);
    auto row = store->key_rotation();
    if (!row) return row.error();
    if (!*row) return RotationStatus{};
    RotationStatus now = status_of(**row);
    if (!now.finished) {
        now.remaining = last_.remaining;
        now.problem = last_.problem;
    }
    return now;
}

Awaitable<void> KeyRotator::reseal_all() {
    SecretBox box(keys_);
    Resealer resealer{id_bytes(keys_.primary()),
                      [&box](std::string_view user, std::string_view field, std::span<const std::uint8_t> sealed) {
                          return box.reseal(user, field, sealed);
                      },
                      [](std::string_view kind) {
                          const Factor* factor = find_factor(kind);
                          return factor == nullptr ? std::string_view() : factor->sealed_field();
                      },
                      kRecoveryEmailField};
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer pause(executor);
    pause_ = &pause;
    while (!stopping_) {
        const auto config = state_.config;
        AuditEntry entry{"", "", "", "", "", 0, "old=" + last_.old_key + " new=" + last_.new_key};
        auto batch = [&resealer, limit = config->rekey.batch, now = DaemonState::now(), entry](Store& store) {
            return store.reseal_batch(resealer, limit, now, entry);
        };
        auto done = co_await state_.writes->submit<ResealProgress>(batch);
        if (!done) {
            last_.problem = done.error().message;
            log::error("the key rotation stopped", {{"MFA_REASON", done.error().message}});
            break;
        }
        last_.resealed += done->resealed;
        last_.remaining = done->remaining;
        if (done->remaining == 0) {
            last_.finished = true;
            journal_audit(AuditEntry{"rekey_done", "", "ok", "", "", 0, entry.detail});
            log::notice("key rotation finished: the old key is no longer needed",
                        {{"MFA_NEW_KEY", last_.new_key}, {"MFA_RESEALED", std::to_string(last_.resealed)}});
            break;
        }
        pause.expires_after(std::chrono::milliseconds(config->rekey.pause_ms));
        boost::system::error_code ignored;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    pause_ = nullptr;
    running_ = false;
}

void KeyRotator::stop() {
    stopping_ = true;
    if (pause_ != nullptr) pause_->cancel();
}

}  // namespace mfa::daemon
