// base32 decoding never crashes, and what decodes re-encodes to the same bytes.
#include <string_view>

#include "mfa/base32.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto decoded = mfa::base32::decode(text);
    if (!decoded) return 0;
    auto again = mfa::base32::decode(mfa::base32::encode(*decoded));
    if (!again || *again != *decoded) __builtin_trap();
    return 0;
}
