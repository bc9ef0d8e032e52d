// Frame decoder: header, TLV payload and every typed message decoder, plus the
// property that whatever decodes re-encodes to something that decodes the same.
#include <cstring>

#include "mfa/wire/messages.hpp"

using namespace mfa::wire;

namespace {

void check_hello_round_trip(const PayloadReader& payload) {
    auto hello = decode_hello(payload);
    if (!hello) return;
    auto again = encode(*hello, 1);
    auto bytes = again.finish();
    if (!bytes) return;  // a decoded HELLO always fits, but the cap is not ours to assume here
    auto reparsed = PayloadReader::parse(bytes->subspan(kHeaderSize));
    if (!reparsed) __builtin_trap();
    auto same = decode_hello(*reparsed);
    if (!same || same->protocol_min != hello->protocol_min || same->protocol_max != hello->protocol_max ||
        same->software != hello->software)
        __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size >= kHeaderSize) {
        std::array<std::uint8_t, kHeaderSize> raw{};
        std::memcpy(raw.data(), data, kHeaderSize);
        auto header = decode_header(raw);
        if (header && header->length > kMaxPayload) __builtin_trap();
    }
    std::span<const std::uint8_t> payload(data, size);
    auto reader = PayloadReader::parse(payload);
    if (!reader) return 0;
    (void)decode_hello_ok(*reader);
    (void)decode_error(*reader);
    (void)decode_status_reply(*reader);
    (void)decode_empty(*reader);
    check_hello_round_trip(*reader);
    return 0;
}
