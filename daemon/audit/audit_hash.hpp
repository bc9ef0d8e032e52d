// The audit table is a hash chain: each row's hash covers its fields and the
// hash of the row before, so an edited, inserted or deleted row breaks it.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "audit/audit_entry.hpp"

namespace mfa::daemon {

using AuditHash = std::array<std::uint8_t, 32>;

AuditHash audit_row_hash(std::span<const std::uint8_t> prev_hash, std::int64_t id, std::int64_t time,
                         const AuditEntry& entry);

}  // namespace mfa::daemon
