// What the person typed at a hidden prompt, in one fixed buffer that is wiped
// when it goes away: no std::string, so no copy is left behind by a move or a
// short-string buffer on the stack.
#pragma once

#include <security/_pam_types.h>
#include <string.h>

#include <array>
#include <cstddef>
#include <string_view>

#include "mfa/wire/login_messages.hpp"

namespace mfa::pam {

template <std::size_t Capacity>
class TypedText {
public:
    TypedText() = default;
    ~TypedText() { explicit_bzero(bytes_.data(), bytes_.size()); }
    TypedText(const TypedText&) = delete;
    TypedText& operator=(const TypedText&) = delete;

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
    std::array<char, Capacity> bytes_{};
    std::size_t size_ = 0;
    bool too_long_ = false;
};

// An answer at mfad's prompt: a code, a menu choice.
using TypedAnswer = TypedText<wire::kMaxCode>;
// forward_pass's one answer: a password and a code (PAM's own limit on a reply).
using TypedSecret = TypedText<PAM_MAX_RESP_SIZE>;

}  // namespace mfa::pam
