// MIGRATE_STORE (mfactl admin migrate-store --to postgresql): root only.
// The copy runs as one write of the SQLite store, so no login changes a row
// while it is read; logins wait meanwhile (a maintenance step, once). The
// PostgreSQL side is one transaction, its audit chain checked before it
// commits; a dry run rolls it back. Once committed, this mfad takes no more
// changes: its SQLite rows would part from the fleet's.
#include <unistd.h>

#include "audit/audit_journal.hpp"
#include "mfa/wire/admin_messages.hpp"
#include "mfa/wire/login_messages.hpp"
#include "server/request_handler.hpp"
#include "server/store_open.hpp"
#include "store/pg_store.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

std::string count_of(const StoreCopy& copy, std::string_view table) {
    for (const auto& [name, rows] : copy.rows)
        if (name == table) return std::to_string(rows);
    return "0";
}

// What was (or would be) copied, short enough for one DONE.
std::string summary(const StoreCopy& copy) {
    return count_of(copy, "users") + " users, " + count_of(copy, "factors") + " factors, " +
           count_of(copy, "backup_codes") + " backup codes, " + count_of(copy, "recovery_emails") +
           " recovery addresses, " + count_of(copy, "sends") + " sends, " + count_of(copy, "audit") +
           " audit rows; the audit chain holds in PostgreSQL (" + std::to_string(copy.arrived.rows) + " rows)";
}

}  // namespace

Awaitable<Outcome> handle_migrate_store(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_migrate_store(payload);
    if (!request) co_return Outcome{ctx.error(wire::ErrorCode::malformed, request.error().message), request.error().message};
    if (ctx.peer.uid != 0) {
        AuditEntry entry{"store_migrate", "", "unauthorized", "", "", ctx.peer.uid, ""};
        co_return co_await permission_denied(ctx, entry, "permission denied: only root migrates the store");
    }
    const auto config = ctx.state.config;
    if (config->store.backend == StoreBackend::postgresql) co_return refused(ctx, "this mfad's store is PostgreSQL already");
    // A second migration would queue behind the first, fail on a target no
    // longer empty, and must not undo the first one's final close.
    if (ctx.state.writes->shut()) co_return refused(ctx, "a migration of this store is running, or is done");
    if (config->store.conninfo.empty())
        co_return refused(ctx, "set store.postgresql.conninfo (keeping store.backend: sqlite), reload mfad, then run this again");
    // Reached, migrated and empty, before a row is read.
    auto target = open_postgresql(config->store, *ctx.state.keys);
    if (!target) co_return refused(ctx, "PostgreSQL: " + target.error().message);
    std::int64_t now = DaemonState::now();
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    AuditEntry arrival{"store_migrate", "", "arrived", "", "", ctx.peer.uid, "from=sqlite host=" + std::string(host)};
    AuditEntry leaving{"store_migrate", "", "ok", "", "", ctx.peer.uid, "to=postgresql"};
    // No write queued after the copy may reach SQLite alone: the queue closes
    // now, and the copy is its last job (those queued before it are copied).
    using TargetCommit = SqlStore::TargetCommit;
    auto target_commit = std::make_shared<TargetCommit>(TargetCommit::no);
    auto copy_job = [pg = target->get(), commit = request->commit, arrival, leaving, now,
                     target_commit](Store& store) -> Result<StoreCopy> {
        auto* sqlite = dynamic_cast<SqlStore*>(&store);
        if (sqlite == nullptr) return make_error("this store cannot be copied");
        return sqlite->copy_into(*pg, commit, arrival, leaving, now, *target_commit);
    };
    log::notice("copying the store to PostgreSQL: this host's changes wait until it is done");
    ctx.state.writes->hold("the store is being copied to PostgreSQL; try again in a moment");
    auto copy = co_await ctx.state.writes->submit_while_closed<StoreCopy>(copy_job);
    if (*target_commit == TargetCommit::yes) {
        // PostgreSQL has every row now, whatever happened here after.
        ctx.state.writes->close("this host's store was migrated to PostgreSQL; set store.backend: postgresql and restart mfad");
        journal_audit(leaving);
        log::notice("the store was copied to PostgreSQL: no more changes here until store.backend is postgresql and mfad restarts");
    } else if (*target_commit == TargetCommit::unknown) {
        // PostgreSQL may hold every row: a change made here now could be lost
        // to the fleet (a spent code spent again), so none is made.
        ctx.state.writes->close("the copy to PostgreSQL may have committed; see mfad's log before using this host");
        log::error("the copy to PostgreSQL got no answer to its COMMIT: look for the store_migrate arrived row there; if it "
                   "is there, set store.backend: postgresql and restart mfad; if not, clear the SQLite file's mark "
                   "(sqlite3 FILE 'PRAGMA application_id = 0'), restart mfad and migrate again",
                   {{"MFA_REASON", copy ? std::string() : copy.error().message}});
    } else {
        ctx.state.writes->release();
    }
    if (!copy && *target_commit == TargetCommit::yes)
        co_return refused(ctx, "copied to PostgreSQL, but this host could not record it (" + copy.error().message +
                                   "): never start it on its SQLite file again; set store.backend: postgresql");
    if (!copy && *target_commit == TargetCommit::unknown)
        co_return refused(ctx, "the copy's COMMIT got no answer, so it may or may not be in PostgreSQL: this mfad takes "
                               "no more changes; look for the store_migrate arrived row there (see mfad's log)");
    if (!copy) co_return refused(ctx, "nothing was migrated: " + copy.error().message);
    if (!request->commit)
        co_return Outcome{wire::encode(wire::Done{"dry run: would copy " + summary(*copy) + ". Nothing was written; --commit copies."},
                                       ctx.request_id),
                          {}};
    co_return Outcome{wire::encode(wire::Done{"copied " + summary(*copy) + ". This mfad takes no more logins: set "
                                              "store.backend: postgresql and restart it."},
                                   ctx.request_id),
                      {}};
}

}  // namespace mfa::daemon
