// QR codes for otpauth URIs: in the terminal and as a PNG.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mfa/result.hpp"

namespace mfa::cli {

struct QrMatrix {
    int size = 0;
    std::vector<bool> dark;  // size * size modules, row by row
    bool at(int x, int y) const {
        return x >= 0 && y >= 0 && x < size && y < size && dark[static_cast<std::size_t>(y * size + x)];
    }
};

Result<QrMatrix> make_qr(std::string_view text);

// Two modules per character cell with half blocks, drawn in explicit black on
// white so the code scans on dark and light terminals alike.
std::string render_terminal(const QrMatrix& qr);

// 8 pixels per module with the standard 4-module quiet zone. The file holds the
// secret, so it is created 0600 and never over an existing file.
Result<void> write_png(const QrMatrix& qr, const std::string& path);

}  // namespace mfa::cli
