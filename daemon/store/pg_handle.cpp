#include "store/pg_handle.hpp"

#include <charconv>
#include <cstdlib>
#include <optional>
#include <vector>

namespace mfa::daemon::pg {
namespace {

// libpq's type ids (catalog/pg_type_d.h is a server header).
constexpr Oid kInt8 = 20;
constexpr Oid kText = 25;
constexpr Oid kBytea = 17;

std::string first_line(const char* text) {
    std::string_view s = text == nullptr ? "" : text;
    return std::string(s.substr(0, s.find('\n')));
}

// ?N, the parameters SQLite and mfad's SQL use, become PostgreSQL's $N
// (quoted text and identifiers left alone).
std::string dollar_parameters(std::string_view sql) {
    std::string out;
    out.reserve(sql.size());
    char quote = 0;
    for (char c : sql) {
        if (quote != 0) {
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '?') {
            c = '$';
        }
        out += c;
    }
    return out;
}

class PgCursor final : public sql::Cursor {
public:
    PgCursor(Database& db, std::string sql) : db_(db), sql_(std::move(sql)) {}

    void bind(int index, std::int64_t value) override { set(index, kInt8, std::to_string(value), 0); }
    void bind(int index, std::string_view text) override {
        // Text goes as a C string: a NUL would cut it short, and two spellings
        // of one name would meet. The wire never lets one through; refuse anyway.
        if (text.find('\0') != std::string_view::npos) refused_ = true;
        set(index, kText, std::string(text), 0);
    }
    void bind(int index, std::span<const std::uint8_t> blob) override {
        set(index, kBytea, std::string(blob.begin(), blob.end()), 1);
    }

    Result<bool> step() override {
        if (!result_) {
            auto ran = execute();
            if (!ran) return ran.error();
            result_ = std::move(*ran);
            row_ = 0;
        } else {
            ++row_;
        }
        return row_ < PQntuples(result_.get());
    }

    void reset() override {
        result_.reset();
        params_.clear();
        refused_ = false;
    }

    std::int64_t int64(int column) const override {
        const char* value = PQgetvalue(result_.get(), row_, column);
        if (value[0] == 't' || value[0] == 'f') return value[0] == 't' ? 1 : 0;  // a boolean (EXISTS, a comparison)
        std::int64_t out = 0;
        std::from_chars(value, value + PQgetlength(result_.get(), row_, column), out);
        return out;
    }
    bool is_null(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }
    std::string text(int column) const override {
        return std::string(PQgetvalue(result_.get(), row_, column),
                           static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
    }
    std::vector<std::uint8_t> blob(int column) const override {
        if (PQgetisnull(result_.get(), row_, column) != 0) return {};
        const auto* escaped = reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, column));
        std::size_t length = 0;
        unsigned char* raw = PQunescapeBytea(escaped, &length);
        if (raw == nullptr) return {};
        std::vector<std::uint8_t> out(raw, raw + length);
        PQfreemem(raw);
        return out;
    }

private:
    struct Param {
        Oid type = 0;
        std::string value;
        int format = 0;
    };

    void set(int index, Oid type, std::string value, int format) {
        auto slot = static_cast<std::size_t>(index - 1);
        if (params_.size() <= slot) params_.resize(slot + 1);
        params_[slot] = Param{type, std::move(value), format};
    }

    Result<ResultPtr> execute() {
        if (refused_) return make_error("database: text with a NUL byte");
        std::vector<Oid> types;
        std::vector<const char*> values;
        std::vector<int> lengths;
        std::vector<int> formats;
        for (const auto& p : params_) {
            if (!p) return make_error("database: a parameter was left unbound");
            types.push_back(p->type);
            values.push_back(p->value.c_str());
            lengths.push_back(static_cast<int>(p->value.size()));
            formats.push_back(p->format);
        }
        // Prepared once per connection for the types it is run with.
        if (name_.empty() || types != prepared_types_) {
            std::string name = db_.next_statement_name();
            if (auto rc = db_.prepare_named(name, sql_, static_cast<int>(types.size()), types.data()); !rc)
                return rc.error();
            name_ = std::move(name);
            prepared_types_ = types;
        }
        auto result = db_.run(name_, static_cast<int>(types.size()), values.data(), lengths.data(), formats.data());
        // COMMIT in a transaction that an error aborted answers "ROLLBACK",
        // not an error: what the caller believes it wrote would be gone.
        if (result && sql_ == "COMMIT" && std::string_view(PQcmdStatus(result->get())) != "COMMIT")
            return make_error("database: the transaction was rolled back, not committed");
        return result;
    }

    Database& db_;
    std::string sql_;
    std::string name_;
    std::vector<Oid> prepared_types_;
    std::vector<std::optional<Param>> params_;
    bool refused_ = false;
    ResultPtr result_;
    int row_ = 0;
};

}  // namespace

Result<void> check_conninfo(const std::string& conninfo) {
    char* message = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &message);
    if (options == nullptr) {
        std::string why = message != nullptr ? first_line(message) : "out of memory";
        PQfreemem(message);
        return make_error("store.postgresql.conninfo: " + why);
    }
    bool has_password = false;
    for (auto* o = options; o->keyword != nullptr; ++o) {
        std::string_view key = o->keyword;
        if ((key == "password" || key == "sslpassword") && o->val != nullptr && o->val[0] != '\0') has_password = true;
    }
    PQconninfoFree(options);
    if (has_password)
        return make_error(
            "store.postgresql.conninfo carries a password; put it in a credential (store.postgresql.password_credential) "
            "or ~/.pgpass instead");
    return {};
}

Result<std::unique_ptr<Database>> Database::connect(const ConnectTo& to) {
    if (auto ok = check_conninfo(to.conninfo); !ok) return ok.error();
    // Keywords before dbname are defaults the conninfo may override; the
    // password after it is the credential's. A server that stops answering
    // (a partition, not a refusal) is given up within seconds, not TCP's minutes.
    const char* keys[] = {"connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count",
                          "tcp_user_timeout", "application_name", "client_encoding", "dbname", "password", nullptr};
    const char* values[] = {"5", "5", "2", "3", "10000", "mfad", "UTF8", to.conninfo.c_str(),
                            to.password.empty() ? nullptr : to.password.c_str(), nullptr};
    std::unique_ptr<Database> db(new Database(PQconnectdbParams(keys, values, 1)));
    if (!db->conn_) return make_error("database: cannot connect: out of memory");
    if (db->broken()) return make_error("database: cannot connect: " + first_line(PQerrorMessage(db->conn_.get())));
    // The server's notices would reach stderr raw; what matters reaches mfad as errors.
    PQsetNoticeProcessor(db->conn_.get(), [](void*, const char*) {}, nullptr);
    // A host that hangs mid-transaction must not hold the fleet's write lock
    // for long, and a login must not wait long behind one.
    if (auto rc = db->exec("SET statement_timeout = '10s'; SET lock_timeout = '5s'; "
                           "SET idle_in_transaction_session_timeout = '10s'");
        !rc)
        return rc.error();
    // Names are compared byte for byte, as SQLite does; another encoding
    // could not hold every name the wire lets through.
    auto encoding = db->prepare("SHOW server_encoding");
    if (!encoding) return encoding.error();
    if (auto row = encoding->step(); !row || !*row || encoding->text(0) != "UTF8")
        return make_error("database: the server's encoding must be UTF8 (CREATE DATABASE ... ENCODING 'UTF8')");
    return db;
}

std::optional<std::string> Database::lost() const {
    if (!done_.empty()) return done_;
    if (PQstatus(conn_.get()) != CONNECTION_OK) return "connection lost: " + first_line(PQerrorMessage(conn_.get()));
    return std::nullopt;
}

// A failure of the connection or of the server's state is an outage: this
// connection is dropped, the next may find a server (or a new primary) that
// answers, and the error is logged once for the outage, not per login.
Error Database::error_of(const PGresult* result, std::string_view what) const {
    if (auto gone = lost(); gone || result == nullptr) {
        done_ = gone ? *gone : "connection lost: " + first_line(PQerrorMessage(conn_.get()));
        return Error{"database: " + done_, true};
    }
    // The primary message only: the detail line can quote the values.
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    if (primary == nullptr || state == nullptr) {  // libpq's own failure (the socket), not the server's answer
        done_ = std::string(what) + ": " + first_line(PQerrorMessage(conn_.get()));
        return Error{"database: " + done_, true};
    }
    std::string message = std::string(what) + ": " + first_line(primary) + " (SQLSTATE " + state + ")";
    // Read-only (a failover), connection trouble, or shutting down. A
    // statement or lock timeout keeps the connection: that is contention, and
    // mfad's own deadline (StoreAccess) answers the caller before it.
    std::string_view code = state;
    if (code == "25006" || code.substr(0, 2) == "08" || code.substr(0, 3) == "57P") {
        done_ = message;
        return Error{"database: " + done_, true};
    }
    return make_error("database: " + message);
}

Result<void> Database::exec(const std::string& sql) {
    ResultPtr result(PQexec(conn_.get(), sql.c_str()));
    auto status = PQresultStatus(result.get());
    if (result && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) return {};
    return error_of(result.get(), "exec");
}

bool Database::in_transaction() const {
    auto status = PQtransactionStatus(conn_.get());
    return status != PQTRANS_IDLE && status != PQTRANS_UNKNOWN;
}

Result<void> Database::begin_write() {
    auto rc = exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ")");
    if (!rc && in_transaction()) (void)exec("ROLLBACK");  // BEGIN ran, the lock did not
    return rc;
}

Result<bool> Database::begin_read() {
    if (auto rc = exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"); !rc) return rc.error();
    return true;
}

Result<void> Database::prepare_named(const std::string& name, const std::string& sql, int count, const Oid* types) {
    ResultPtr result(PQprepare(conn_.get(), name.c_str(), sql.c_str(), count, types));
    if (result && PQresultStatus(result.get()) == PGRES_COMMAND_OK) return {};
    return error_of(result.get(), "prepare");
}

Result<ResultPtr> Database::run(const std::string& name, int count, const char* const* values, const int* lengths,
                                const int* formats) {
    ResultPtr result(PQexecPrepared(conn_.get(), name.c_str(), count, values, lengths, formats, 0));
    auto status = PQresultStatus(result.get());
    if (!result || (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) return error_of(result.get(), "query");
    const char* changed = PQcmdTuples(result.get());
    changes_ = changed[0] == '\0' ? 0 : std::strtoll(changed, nullptr, 10);
    return result;
}

Result<std::unique_ptr<sql::Cursor>> Database::compile(std::string_view sql) {
    return std::unique_ptr<sql::Cursor>(std::make_unique<PgCursor>(*this, dollar_parameters(sql)));
}

}  // namespace mfa::daemon::pg
