#include "mfa/wire/tlv.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "mfa/utf8.hpp"
#include "mfa/wire/byte_order.hpp"

namespace mfa::wire {
namespace {

std::string tag_name(Tag tag) { return "field " + std::to_string(static_cast<unsigned>(tag)); }

// Fields that name someone or something and end up in audit rows, logs and
// terminals: no control character may travel in them.
bool names_something(Tag tag) {
    switch (tag) {
        case Tag::user:
        case Tag::service:
        case Tag::rhost:
        case Tag::tty:
        case Tag::factor:
        case Tag::action:
        case Tag::reason:
        case Tag::event:
        case Tag::ticket:
        case Tag::operator_email:
        case Tag::method:
        case Tag::software_version:
        case Tag::prompt:
        case Tag::kind:
        case Tag::name:
        case Tag::channel:
        case Tag::message_id:
        case Tag::source:
            return true;
        default:
            return false;
    }
}

}  // namespace

Result<PayloadReader> PayloadReader::parse(std::span<const std::uint8_t> payload) {
    PayloadReader reader;
    std::size_t pos = 0;
    while (pos < payload.size()) {
        if (payload.size() - pos < 4) return make_error("payload: truncated field header");
        std::uint16_t tag = get_be16(&payload[pos]);
        std::uint16_t length = get_be16(&payload[pos + 2]);
        pos += 4;
        if (payload.size() - pos < length) return make_error("payload: field runs past the end");
        if (reader.find(static_cast<Tag>(tag)) != nullptr) return make_error("payload: repeated field");
        if (reader.count_ == kMaxFields) return make_error("payload: too many fields");
        reader.fields_[reader.count_++] = Field{tag, payload.subspan(pos, length)};
        pos += length;
    }
    return reader;
}

const PayloadReader::Field* PayloadReader::find(Tag tag) const {
    for (std::size_t i = 0; i < count_; ++i)
        if (fields_[i].tag == static_cast<std::uint16_t>(tag)) return &fields_[i];
    return nullptr;
}

bool PayloadReader::has(Tag tag) const { return find(tag) != nullptr; }

Result<std::span<const std::uint8_t>> PayloadReader::fixed(Tag tag, std::size_t width) const {
    const Field* field = find(tag);
    if (field == nullptr) return make_error("payload: missing " + tag_name(tag));
    if (field->value.size() != width) return make_error("payload: wrong size for " + tag_name(tag));
    return field->value;
}

Result<std::uint16_t> PayloadReader::u16(Tag tag) const {
    auto bytes = fixed(tag, 2);
    if (!bytes) return bytes.error();
    return get_be16(bytes->data());
}

Result<std::uint32_t> PayloadReader::u32(Tag tag) const {
    auto bytes = fixed(tag, 4);
    if (!bytes) return bytes.error();
    return get_be32(bytes->data());
}

Result<std::uint64_t> PayloadReader::u64(Tag tag) const {
    auto bytes = fixed(tag, 8);
    if (!bytes) return bytes.error();
    return get_be64(bytes->data());
}

Result<std::string_view> PayloadReader::text(Tag tag) const {
    const Field* field = find(tag);
    if (field == nullptr) return make_error("payload: missing " + tag_name(tag));
    std::string_view value(reinterpret_cast<const char*>(field->value.data()), field->value.size());
    if (!valid_utf8_text(value)) return make_error("payload: " + tag_name(tag) + " is not UTF-8 text");
    if (names_something(tag) && !valid_identifier_text(value))
        return make_error("payload: " + tag_name(tag) + " holds a control character");
    return value;
}

Result<std::string_view> PayloadReader::raw(Tag tag, std::size_t max_bytes) const {
    const Field* field = find(tag);
    if (field == nullptr) return make_error("payload: missing " + tag_name(tag));
    if (field->value.size() > max_bytes)
        return make_error("payload: " + tag_name(tag) + " longer than " + std::to_string(max_bytes) + " bytes");
    return std::string_view(reinterpret_cast<const char*>(field->value.data()), field->value.size());
}

Result<std::string_view> PayloadReader::text(Tag tag, std::size_t max_bytes, bool required) const {
    if (!required && !has(tag)) return std::string_view();
    auto value = text(tag);
    if (value && value->size() > max_bytes)
        return make_error("payload: " + tag_name(tag) + " longer than " + std::to_string(max_bytes) + " bytes");
    return value;
}

Result<void> PayloadReader::allow_only(std::initializer_list<Tag> tags) const {
    for (std::size_t i = 0; i < count_; ++i) {
        auto tag = static_cast<Tag>(fields_[i].tag);
        if (std::find(tags.begin(), tags.end(), tag) == tags.end())
            return make_error("payload: unexpected " + tag_name(tag));
    }
    return {};
}

FrameWriter::FrameWriter(MessageType type, std::uint32_t request_id, std::uint32_t cap)
    : type_(type), request_id_(request_id), cap_(cap) {
    bytes_.reserve(kHeaderSize + cap);
    bytes_.resize(kHeaderSize);
}

FrameWriter::~FrameWriter() {
    if (!bytes_.empty()) explicit_bzero(bytes_.data(), bytes_.size());
}

FrameWriter& FrameWriter::field(Tag tag, const std::uint8_t* data, std::size_t size) {
    if (overflow_ || size > 0xffff || bytes_.size() - kHeaderSize + 4 + size > cap_) {
        overflow_ = true;
        return *this;
    }
    std::size_t at = bytes_.size();
    bytes_.resize(at + 4 + size);
    put_be16(&bytes_[at], static_cast<std::uint16_t>(tag));
    put_be16(&bytes_[at + 2], static_cast<std::uint16_t>(size));
    if (size > 0) std::memcpy(&bytes_[at + 4], data, size);
    return *this;
}

FrameWriter& FrameWriter::u16(Tag tag, std::uint16_t value) {
    std::uint8_t buf[2];
    put_be16(buf, value);
    return field(tag, buf, sizeof buf);
}

FrameWriter& FrameWriter::u32(Tag tag, std::uint32_t value) {
    std::uint8_t buf[4];
    put_be32(buf, value);
    return field(tag, buf, sizeof buf);
}

FrameWriter& FrameWriter::u64(Tag tag, std::uint64_t value) {
    std::uint8_t buf[8];
    put_be64(buf, value);
    return field(tag, buf, sizeof buf);
}

FrameWriter& FrameWriter::text(Tag tag, std::string_view value) {
    return field(tag, reinterpret_cast<const std::uint8_t*>(value.data()), value.size());
}

Result<std::span<const std::uint8_t>> FrameWriter::finish() {
    if (overflow_) return make_error("frame: message does not fit the size cap");
    auto header = encode_header(
        Header{type_, static_cast<std::uint32_t>(bytes_.size() - kHeaderSize), request_id_});
    std::copy(header.begin(), header.end(), bytes_.begin());
    return std::span<const std::uint8_t>(bytes_);
}

}  // namespace mfa::wire
