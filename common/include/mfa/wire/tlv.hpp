// The TLV payload: a sequence of  tag u16 | length u16 | value  (big-endian).
// Integers are fixed width; text is UTF-8 without NUL. A payload holds each
// tag at most once and at most kMaxFields fields, so parsing never allocates.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "mfa/result.hpp"
#include "mfa/wire/frame.hpp"

namespace mfa::wire {

enum class Tag : std::uint16_t {
    protocol_min = 1,
    protocol_max = 2,
    protocol = 3,
    software_version = 4,
    error_code = 5,
    message = 6,
    schema_version = 7,
    uptime_ms = 8,
    user = 9,
    service = 10,
    rhost = 11,
    tty = 12,
    session = 13,
    factor = 14,
    code = 15,
    secret = 16,
    uri = 17,
    enrolled_at = 18,
    last_verified_at = 19,
    failures = 20,
    locked_until = 21,
    action = 22,
    reason = 23,
    rows = 24,
    broken_id = 25,
    after_id = 26,
    since = 27,
    event = 28,
    codes = 29,
    ticket = 30,
    operator_email = 31,
    method = 32,
    commit = 33,
    disable_state = 34,
    totp_removed = 35,
    pending_removed = 36,
    backup_voided = 37,
    lock_cleared = 38,
    disabled_until = 39,
    backup_remaining = 40,
    counters = 41,
    exhausted = 42,
    tries = 43,
    prompt = 44,
    echo = 45,
    errors = 46,
    kind = 47,
    name = 48,
    destination = 49,
    factor_list = 50,
    correlation = 51,
    message_id = 52,
    channel = 53,
    login_flags = 54,
    until = 55,
    address = 56,
    subject = 57,
    digits = 58,
    counter = 59,
    next_code = 60,
    period = 61,
    window = 62,
    source = 63,
    old_key = 64,
    new_key = 65,
    resealed = 66,
    remaining = 67,
    finished = 68,
    uid = 69,
    device = 70,
    number = 71,
    push_status = 72,
    host = 73,
    timeout_s = 74,
    not_me = 75,
    number_unreported = 76,
    store_state = 77,
};

inline constexpr std::size_t kMaxFields = 32;

class PayloadReader {
public:
    static Result<PayloadReader> parse(std::span<const std::uint8_t> payload);

    bool has(Tag tag) const;
    Result<std::uint16_t> u16(Tag tag) const;
    Result<std::uint32_t> u32(Tag tag) const;
    Result<std::uint64_t> u64(Tag tag) const;
    Result<std::string_view> text(Tag tag) const;
    // Text of at most max_bytes; an absent optional field reads as "".
    Result<std::string_view> text(Tag tag, std::size_t max_bytes, bool required = true) const;
    // Any bytes of at most max_bytes, for what a person typed: the daemon
    // judges it as an answer (a wrong one) instead of refusing the frame.
    Result<std::string_view> raw(Tag tag, std::size_t max_bytes) const;
    // A message refuses tags it does not define.
    Result<void> allow_only(std::initializer_list<Tag> tags) const;

private:
    struct Field {
        std::uint16_t tag = 0;
        std::span<const std::uint8_t> value;
    };
    const Field* find(Tag tag) const;
    Result<std::span<const std::uint8_t>> fixed(Tag tag, std::size_t width) const;

    std::array<Field, kMaxFields> fields_{};
    std::size_t count_ = 0;
};

// Builds one whole frame. The buffer is reserved once at full size and wiped
// on destruction, because frames carry codes.
class FrameWriter {
public:
    FrameWriter(MessageType type, std::uint32_t request_id, std::uint32_t cap = kMaxPayload);
    ~FrameWriter();
    FrameWriter(const FrameWriter&) = delete;
    FrameWriter& operator=(const FrameWriter&) = delete;
    FrameWriter(FrameWriter&&) = default;
    FrameWriter& operator=(FrameWriter&&) = default;

    FrameWriter& u16(Tag tag, std::uint16_t value);
    FrameWriter& u32(Tag tag, std::uint32_t value);
    FrameWriter& u64(Tag tag, std::uint64_t value);
    FrameWriter& text(Tag tag, std::string_view value);

    std::uint32_t request_id() const { return request_id_; }

    // The header plus payload, or an error when a field did not fit the cap.
    Result<std::span<const std::uint8_t>> finish();

private:
    FrameWriter& field(Tag tag, const std::uint8_t* data, std::size_t size);

    std::vector<std::uint8_t> bytes_;
    MessageType type_;
    std::uint32_t request_id_;
    std::uint32_t cap_;
    bool overflow_ = false;
};

}  // namespace mfa::wire
