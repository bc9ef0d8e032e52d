// mfactl admin migrate-store: every row of this host's SQLite store copied
// into an empty PostgreSQL store, ids kept, sealed blobs copied as they are
// (every host holds the same key), and the audit chain checked on arrival.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "audit/audit_seal.hpp"
#include "store/sql_connection.hpp"
#include "store/store.hpp"

namespace mfa::daemon {

struct StoreCopy {
    std::vector<std::pair<std::string, std::int64_t>> rows;  // (table, rows copied)
    AuditCheck arrived;                                      // the chain as it reads in the target
};

// Inside the caller's transactions on both: `from` as read, `to` as written
// (it must hold no user and no audit row). `arrival` is the audit row that
// says where the rows came from: appended in the target after the copy.
Result<StoreCopy> copy_store(sql::Connection& from, sql::Connection& to, const AuditSeal& seal,
                             const AuditEntry& arrival, std::int64_t now);

}  // namespace mfa::daemon
