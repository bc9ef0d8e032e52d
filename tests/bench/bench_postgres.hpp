// The benchmarks' PostgreSQL rows: a fresh database per run on a local server
// (fsync on, as a real one), seeded by copying the bulk SQLite store with
// mfad's own migrate-store copy; and the cost of handing one store call to
// mfad's store thread and back.
#pragma once

#include <string>

#include "mfa/result.hpp"

namespace mfa::bench {

// A new database on the server at `host_and_port` ("host=<socket dir>
// port=<n>", reached as its superuser), owned by the role mfad connects as.
// Returns mfad's conninfo for it.
Result<std::string> fresh_database(const std::string& host_and_port, const std::string& name);

// Every row of the SQLite store at `sqlite_path` (left as it was: a copy of
// it is what gets marked as moved) into the empty database at `conninfo`.
Result<void> copy_to_postgresql(const std::string& sqlite_path, const std::string& key_file, const std::string& conninfo);

// The store section of mfad's config for `conninfo`.
std::string postgresql_yaml(const std::string& conninfo);

struct HandOff {
    int calls = 0;
    double empty_job_us = 0;  // to the store thread and back, the job doing nothing
    double select_us = 0;     // the same with one round trip to the server (SELECT 1)
};

// `calls` store calls one after another through mfad's StoreAccess, as the
// event loop makes them.
Result<HandOff> measure_handoff(const std::string& conninfo, const std::string& key_file, int calls);

}  // namespace mfa::bench
