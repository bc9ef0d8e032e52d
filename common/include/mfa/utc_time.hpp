// Times as people and scripts read them: ISO 8601 in UTC, e.g. 2026-11-22T08:00:00Z.
#pragma once

#include <cstdint>
#include <string>

namespace mfa {

std::string utc_time(std::int64_t unix_seconds);

}  // namespace mfa
