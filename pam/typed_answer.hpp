// What the person typed at a hidden prompt, in one fixed buffer that is wiped
// when it goes away: no std::string, so no copy is left behind by a move or a
// short-string buffer on the stack.
#pragma once

#include <string.h>

#include <array>
#include <cstddef>
#include <string_view>

#include "mfa/wire/login_messages.hpp"

namespace mfa::pam {

class TypedAnswer {
public:
    TypedAnswer() = default;
    ~TypedAnswer() { explicit_bzero(bytes_.data(), bytes_.size()); }
    TypedAnswer(const TypedAnswer&) = delete;
    TypedAnswer& operator=(const TypedAnswer&) = delete;

    // Takes `text`; one longer than a code can be keeps nothing but that fact.
    void assign(const char* text) {
        std::size_t n = strlen(text);
        too_long_ = n > bytes_.size();
        size_ = too_long_ ? 0 : n;
        if (!too_long_) memcpy(bytes_.data(), text, n);
    }

    bool empty() const { return size_ == 0 && !too_long_; }
    bool too_long() const { return too_long_; }
    std::string_view view() const { return {bytes_.data(), size_}; }

private:
    std::array<char, wire::kMaxCode> bytes_{};
    std::size_t size_ = 0;
    bool too_long_ = false;
};

}  // namespace mfa::pam
