// Phone numbers for SMS codes, parsed and classified by libphonenumber.
#pragma once

#include <string>
#include <string_view>

#include "mfa/result.hpp"

namespace mfa::daemon {

struct PhoneNumber {
    std::string e164;    // +14155550123: what is sealed and what the sender dials
    std::string masked;  // +1•••••••123: what anyone is ever shown
};

// An international number ("+" and the country code; spaces, dashes and
// brackets allowed) that can receive text messages. Invalid numbers and
// premium-rate, shared-cost, toll-free, pager and other non-mobile lines are
// refused with a message that says which.
Result<PhoneNumber> parse_phone_number(std::string_view text);

// The country code and the last three digits of an E.164 number; every other
// digit is a dot.
std::string mask_phone_number(std::string_view e164);

}  // namespace mfa::daemon
