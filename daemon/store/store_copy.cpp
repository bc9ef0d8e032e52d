#include "store/store_copy.hpp"

#include "store/sql_audit.hpp"

namespace mfa::daemon {
namespace {

// A table as both schemas have it: its columns, each an integer (i), text (t)
// or blob (b). Parents before children, for the foreign keys.
struct Table {
    const char* name;
    std::vector<std::pair<const char*, char>> columns;
};

const std::vector<Table>& tables() {
    static const std::vector<Table> kTables = {
        {"users",
         {{"id", 'i'}, {"name", 't'}, {"created_at", 'i'}, {"failures", 'i'}, {"locked_until", 'i'},
          {"last_verified_at", 'i'}, {"disabled_until", 'i'}, {"primary_factor", 'i'}, {"first_login_at", 'i'},
          {"grace_until", 'i'}, {"enroll_by", 'i'}, {"push_misses", 'i'}, {"push_paused_until", 'i'}}},
        {"factors",
         {{"id", 'i'}, {"user_id", 'i'}, {"kind", 't'}, {"name", 't'}, {"state", 't'}, {"sealed_secret", 'b'},
          {"created_at", 'i'}, {"confirmed_at", 'i'}, {"last_step", 'i'}, {"last_used_at", 'i'}, {"otp_digits", 'i'},
          {"otp_period", 'i'}, {"otp_window", 'i'}}},
        {"backup_code_sets", {{"user_id", 'i'}, {"salt", 'b'}, {"iterations", 'i'}, {"created_at", 'i'}}},
        {"backup_codes", {{"user_id", 'i'}, {"slot", 'i'}, {"hash", 'b'}, {"used_at", 'i'}}},
        {"challenges",
         {{"id", 'i'}, {"user_id", 'i'}, {"factor_id", 'i'}, {"code_hash", 'b'}, {"created_at", 'i'},
          {"expires_at", 'i'}, {"tries_left", 'i'}, {"used_at", 'i'}}},
        {"sends",
         {{"id", 'i'}, {"user_id", 'i'}, {"channel", 't'}, {"destination", 'b'}, {"verified", 'i'}, {"time", 'i'}}},
        {"recovery_emails",
         {{"user_id", 'i'}, {"state", 't'}, {"sealed_address", 'b'}, {"created_at", 'i'}, {"confirmed_at", 'i'}}},
        {"mail_codes",
         {{"user_id", 'i'}, {"purpose", 't'}, {"code_hash", 'b'}, {"created_at", 'i'}, {"expires_at", 'i'},
          {"tries_left", 'i'}, {"used_at", 'i'}}},
        {"audit",
         {{"id", 'i'}, {"time", 'i'}, {"event", 't'}, {"\"user\"", 't'}, {"result", 't'}, {"service", 't'},
          {"rhost", 't'}, {"peer_uid", 'i'}, {"detail", 't'}, {"prev_hash", 'b'}, {"hash", 'b'}}},
        {"audit_head", {{"one", 'i'}, {"last_id", 'i'}, {"last_hash", 'b'}, {"mac", 'b'}}},
    };
    return kTables;
}

// Tables whose ids the target's identity columns must go on after.
constexpr const char* kIdentities[] = {"users", "factors", "challenges", "sends"};

Result<std::int64_t> copy_table(sql::Connection& from, sql::Connection& to, const Table& table) {
    std::string names;
    std::string places;
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        names += (i == 0 ? "" : ", ") + std::string(table.columns[i].first);
        places += (i == 0 ? "?" : ", ?") + std::to_string(i + 1);
    }
    auto read = from.prepare("SELECT " + names + " FROM " + table.name);
    if (!read) return read.error();
    auto write = to.prepare("INSERT INTO " + std::string(table.name) + " (" + names + ") VALUES (" + places + ")");
    if (!write) return write.error();
    std::int64_t copied = 0;
    for (;;) {
        auto more = read->step();
        if (!more) return more.error();
        if (!*more) break;
        write->reset();
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            int column = static_cast<int>(i);
            switch (table.columns[i].second) {
                case 'i': write->bind(column + 1, read->int64(column)); break;
                case 't': write->bind(column + 1, read->text(column)); break;
                default: write->bind(column + 1, std::span<const std::uint8_t>(read->blob(column))); break;
            }
        }
        if (auto rc = write->run(); !rc) return make_error(std::string(table.name) + ": " + rc.error().message);
        ++copied;
    }
    return copied;
}

}  // namespace

Result<StoreCopy> copy_store(sql::Connection& from, sql::Connection& to, const AuditSeal& seal,
                             const AuditEntry& arrival, std::int64_t now) {
    auto held = to.query_int("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM audit)");
    if (!held) return held.error();
    if (*held != 0) return make_error("the PostgreSQL store is not empty: migrate-store copies into a new database only");
    // A rotation's new key waits in a file of this host: moved without it, no secret would open.
    auto rotating = from.query_int("SELECT count(*) FROM key_rotation");
    if (!rotating) return rotating.error();
    if (*rotating != 0)
        return make_error("a key rotation is under way or not installed: finish it, install the new key, restart mfad, then migrate");
    StoreCopy copy;
    for (const auto& table : tables()) {
        auto copied = copy_table(from, to, table);
        if (!copied) return copied.error();
        copy.rows.emplace_back(table.name, *copied);
    }
    // New ids go on past every id SQLite ever gave (AUTOINCREMENT's mark
    // counts deleted rows too): a removed factor's id is never reused.
    for (const char* table : kIdentities) {
        std::string name(table);
        auto high = from.query_int("SELECT max(coalesce((SELECT max(id) FROM " + name +
                                   "), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = '" + name + "'), 0))");
        if (!high) return high.error();
        if (auto rc = to.exec("SELECT setval(pg_get_serial_sequence('" + name + "', 'id'), " + std::to_string(*high + 1) +
                              ", false)");
            !rc)
            return rc.error();
    }
    if (auto rc = append_audit_row(to, seal, arrival, now); !rc) return rc.error();
    auto arrived = verify_audit_rows(to, seal);
    if (!arrived) return arrived.error();
    copy.arrived = *arrived;
    return copy;
}

}  // namespace mfa::daemon
