// The factor kinds mfad knows, by the name the store keeps.
#pragma once

#include <span>
#include <string_view>

#include "factors/factor.hpp"

namespace mfa::daemon {

// nullptr for a kind this build does not know (a newer mfad's row).
const Factor* find_factor(std::string_view kind);

std::span<const Factor* const> all_factors();

}  // namespace mfa::daemon
