// The lines of a token file, numbered from 1 for its error messages.
#pragma once

#include <string_view>

namespace mfa::cli {

class TextLines {
public:
    explicit TextLines(std::string_view text) : text_(text) {}

    // The next line, without its '\n' or a '\r' before it; false at the end.
    bool next(std::string_view& line) {
        if (at_ >= text_.size()) return false;
        auto end = text_.find('\n', at_);
        line = text_.substr(at_, end == std::string_view::npos ? std::string_view::npos : end - at_);
        at_ = end == std::string_view::npos ? text_.size() : end + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        ++number_;
        return true;
    }
    int number() const { return number_; }

private:
    std::string_view text_;
    std::size_t at_ = 0;
    int number_ = 0;
};

}  // namespace mfa::cli
