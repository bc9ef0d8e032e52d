#include "bulk_seed.hpp"

#include <openssl/rand.h>

#include "crypto/key_ring.hpp"
#include "crypto/secret_box.hpp"
#include "store/sqlite_handle.hpp"
#include "store/sqlite_store.hpp"

namespace mfa::bench {

std::string bulk_user(std::size_t index) { return "u" + std::to_string(index); }

Result<void> bulk_enroll(const std::string& db_path, const std::string& key_file, std::size_t count,
                         const std::function<std::string(std::size_t)>& name,
                         const std::function<std::span<const std::uint8_t>(std::size_t)>& secret) {
    auto loaded = daemon::MasterKey::load(key_file);
    if (!loaded) return loaded.error();
    daemon::KeyRing keys(std::move(*loaded));
    // mfad's own open creates the file and the schema; closing it checkpoints.
    if (auto store = daemon::SqliteStore::open(db_path, daemon::Durability::normal, keys); !store) return store.error();

    auto db = daemon::sqlite::Database::open(db_path);
    if (!db) return db.error();
    if (auto rc = db->exec("PRAGMA synchronous = OFF; BEGIN"); !rc) return rc.error();
    auto user = db->prepare("INSERT INTO users (name, created_at) VALUES (?1, 1)");
    auto factor = db->prepare(
        "INSERT INTO factors (user_id, kind, name, state, sealed_secret, created_at, confirmed_at, last_step) "
        "VALUES (last_insert_rowid(), 'totp', 'app', 'active', ?1, 1, 1, 0)");
    if (!user) return user.error();
    if (!factor) return factor.error();
    daemon::SecretBox box(keys);
    for (std::size_t i = 0; i < count; ++i) {
        auto who = name(i);
        auto sealed = box.seal(who, "totp", secret(i));
        if (!sealed) return sealed.error();
        if (auto rc = user->bind(1, who).run(); !rc) return rc.error();
        if (auto rc = factor->bind(1, std::span<const std::uint8_t>(*sealed)).run(); !rc) return rc.error();
    }
    return db->exec("COMMIT; PRAGMA wal_checkpoint(TRUNCATE)");
}

Result<std::vector<Secret>> bulk_seed(const std::string& db_path, const std::string& key_file, std::size_t count) {
    std::vector<Secret> secrets(count);
    if (count > 0 && RAND_bytes(secrets.front().data(), static_cast<int>(count * sizeof(Secret))) != 1)
        return make_error("RAND_bytes failed");
    auto seeded = bulk_enroll(db_path, key_file, count, bulk_user,
                              [&](std::size_t i) { return std::span<const std::uint8_t>(secrets[i]); });
    if (!seeded) return seeded.error();
    return secrets;
}

}  // namespace mfa::bench
