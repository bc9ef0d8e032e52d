// Reads several fields and keeps the first error, so decoders stay one line per field.
#pragma once

#include <optional>
#include <string>

#include "mfa/wire/tlv.hpp"

namespace mfa::wire {

class FieldReader {
public:
    explicit FieldReader(const PayloadReader& payload) : p_(payload) {}

    std::string text(Tag tag, std::size_t max_bytes, bool required = true) {
        auto v = p_.text(tag, max_bytes, required);
        return keep(v) ? std::string(*v) : std::string();
    }
    std::uint32_t u32(Tag tag) {
        auto v = p_.u32(tag);
        return keep(v) ? *v : 0;
    }
    std::uint64_t u64(Tag tag) {
        auto v = p_.u64(tag);
        return keep(v) ? *v : 0;
    }

    template <class T>
    Result<T> finish(T message) {
        if (error_) return *error_;
        return message;
    }

private:
    template <class R>
    bool keep(const R& r) {
        if (!r && !error_) error_ = r.error();
        return r.ok();
    }
    const PayloadReader& p_;
    std::optional<Error> error_;
};

}  // namespace mfa::wire
