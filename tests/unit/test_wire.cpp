#include <vector>

#include "cmocka.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/byte_order.hpp"
#include "mfa/wire/messages.hpp"

using namespace mfa::wire;

namespace {

std::vector<std::uint8_t> finished(FrameWriter& w) {
    auto bytes = w.finish();
    assert_true(bytes.ok());
    return {bytes->begin(), bytes->end()};
}

mfa::Result<Header> header_of(const std::vector<std::uint8_t>& frame) {
    return decode_header(std::span<const std::uint8_t, kHeaderSize>(frame.data(), kHeaderSize));
}

PayloadReader payload_of(const std::vector<std::uint8_t>& frame) {
    auto reader = PayloadReader::parse(std::span(frame).subspan(kHeaderSize));
    assert_true(reader.ok());
    return *reader;
}

void header_round_trip_is_big_endian(void**) {
    auto bytes = encode_header(Header{MessageType::status, 0x01020304, 0xa0b0c0d0});
    const std::uint8_t expected[kHeaderSize] = {'M', 'F', 'A', 'D', 0, 1, 0, 6, 1, 2, 3, 4, 0xa0, 0xb0, 0xc0, 0xd0};
    assert_memory_equal(bytes.data(), expected, kHeaderSize);
    auto header = decode_header(bytes, 0x7fffffff);
    assert_true(header.ok());
    assert_int_equal(static_cast<int>(header->type), static_cast<int>(MessageType::status));
    assert_int_equal(header->length, 0x01020304);
    assert_int_equal(header->request_id, 0xa0b0c0d0);
}

void header_refusals(void**) {
    auto good = encode_header(Header{MessageType::ping, 0, 1});
    auto bad_magic = good;
    bad_magic[0] = 'X';
    assert_contains(decode_header(bad_magic).error().message, "magic");
    auto bad_version = good;
    bad_version[5] = 2;
    assert_contains(decode_header(bad_version).error().message, "frame version");
    auto bad_type = good;
    bad_type[7] = 99;
    assert_contains(decode_header(bad_type).error().message, "message type");
    auto too_long = encode_header(Header{MessageType::ping, kMaxPayload + 1, 1});
    assert_contains(decode_header(too_long).error().message, "size cap");
    auto at_cap = encode_header(Header{MessageType::ping, kMaxPayload, 1});
    assert_true(decode_header(at_cap).ok());
}

void messages_round_trip(void**) {
    auto hello = encode(Hello{1, 3, "pam_mfa/1"}, 7);
    auto frame = finished(hello);
    assert_int_equal(header_of(frame)->request_id, 7);
    auto decoded = decode_hello(payload_of(frame));
    assert_true(decoded.ok());
    assert_int_equal(decoded->protocol_min, 1);
    assert_int_equal(decoded->protocol_max, 3);
    assert_str_eq(decoded->software, "pam_mfa/1");

    auto status = encode(StatusReply{"mfad/0.1", 4, 123456789012ULL}, 9);
    auto status_frame = finished(status);
    auto reply = decode_status_reply(payload_of(status_frame));
    assert_true(reply.ok());
    assert_int_equal(reply->schema_version, 4);
    assert_true(reply->uptime_ms == 123456789012ULL);

    auto error = encode(ErrorReply{ErrorCode::busy, "too many"}, 1);
    auto error_frame = finished(error);
    auto err = decode_error(payload_of(error_frame));
    assert_true(err->code == ErrorCode::busy);
    assert_str_eq(err->message, "too many");
}

void payload_refusals(void**) {
    const std::vector<std::uint8_t> truncated_field_header = {0, 1, 0};
    assert_contains(PayloadReader::parse(truncated_field_header).error().message, "truncated");
    const std::vector<std::uint8_t> runs_past_end = {0, 1, 0, 5, 'a', 'b'};
    assert_contains(PayloadReader::parse(runs_past_end).error().message, "past the end");
    const std::vector<std::uint8_t> repeated = {0, 6, 0, 1, 'a', 0, 6, 0, 1, 'b'};
    assert_contains(PayloadReader::parse(repeated).error().message, "repeated");
    std::vector<std::uint8_t> many;
    for (std::uint16_t tag = 100; tag < 100 + kMaxFields + 1; ++tag) many.insert(many.end(), {0, static_cast<std::uint8_t>(tag), 0, 0});
    assert_contains(PayloadReader::parse(many).error().message, "too many");
}

void decode_refuses_missing_unknown_and_ill_typed(void**) {
    // HELLO without protocol_max.
    FrameWriter missing(MessageType::hello, 1);
    missing.u16(Tag::protocol_min, 1).text(Tag::software_version, "x");
    auto f1 = finished(missing);
    assert_contains(decode_hello(payload_of(f1)).error().message, "missing");
    // HELLO with a tag it does not define.
    auto extra = encode(Hello{1, 1, "x"}, 1);
    extra.u64(Tag::uptime_ms, 5);
    auto f2 = finished(extra);
    assert_contains(decode_hello(payload_of(f2)).error().message, "unexpected");
    // protocol_min as 4 bytes instead of 2.
    FrameWriter wide(MessageType::hello, 1);
    wide.u32(Tag::protocol_min, 1).u16(Tag::protocol_max, 1).text(Tag::software_version, "x");
    auto f3 = finished(wide);
    assert_contains(decode_hello(payload_of(f3)).error().message, "wrong size");
    // An empty range.
    auto backwards = encode(Hello{3, 1, "x"}, 1);
    auto f4 = finished(backwards);
    assert_contains(decode_hello(payload_of(f4)).error().message, "empty protocol range");
    // PING carries nothing.
    FrameWriter ping(MessageType::ping, 1);
    ping.u32(Tag::error_code, 1);
    auto f5 = finished(ping);
    assert_false(decode_empty(payload_of(f5)).ok());
}

void text_must_be_utf8_without_nul(void**) {
    assert_true(mfa::valid_utf8_text("plain"));
    assert_true(mfa::valid_utf8_text("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91"));
    assert_false(mfa::valid_utf8_text(std::string_view("a\0b", 3)));
    assert_false(mfa::valid_utf8_text("\xc0\xaf"));          // overlong '/'
    assert_false(mfa::valid_utf8_text("\xe0\x80\xaf"));      // overlong, three bytes
    assert_false(mfa::valid_utf8_text("\xed\xa0\x80"));      // UTF-16 surrogate
    assert_false(mfa::valid_utf8_text("\xf4\x90\x80\x80"));  // past U+10FFFF
    assert_false(mfa::valid_utf8_text("\xe2\x82"));          // truncated
    assert_false(mfa::valid_utf8_text("\x80"));              // lone continuation
    FrameWriter w(MessageType::error, 1);
    w.u32(Tag::error_code, 1).text(Tag::message, "\xff");
    auto frame = finished(w);
    assert_contains(decode_error(payload_of(frame)).error().message, "UTF-8");
}

void writer_refuses_oversized_frames(void**) {
    FrameWriter w(MessageType::error, 1);
    w.u32(Tag::error_code, 1).text(Tag::message, std::string(kMaxPayload, 'x'));
    assert_false(w.finish().ok());
    FrameWriter fits(MessageType::error, 1);
    fits.text(Tag::message, std::string(kMaxPayload - 4, 'x'));
    auto bytes = fits.finish();
    assert_true(bytes.ok());
    assert_int_equal(bytes->size(), kHeaderSize + kMaxPayload);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(header_round_trip_is_big_endian), cmocka_unit_test(header_refusals),
        cmocka_unit_test(messages_round_trip),             cmocka_unit_test(payload_refusals),
        cmocka_unit_test(decode_refuses_missing_unknown_and_ill_typed),
        cmocka_unit_test(text_must_be_utf8_without_nul),   cmocka_unit_test(writer_refuses_oversized_frames),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
