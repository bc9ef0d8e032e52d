// QR codes of otpauth URIs, drawn as text: mfactl's (with colours) and the
// login's (plain characters, since a PAM conversation must not carry control
// sequences and ssh escapes them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mfa/result.hpp"

namespace mfa {

struct QrMatrix {
    int size = 0;
    std::vector<bool> dark;  // size * size modules, row by row
    bool at(int x, int y) const {
        return x >= 0 && y >= 0 && x < size && y < size && dark[static_cast<std::size_t>(y * size + x)];
    }
};

// The standard quiet zone, in modules, around every drawing.
inline constexpr int kQrQuietZone = 4;

Result<QrMatrix> make_qr(std::string_view text);

// Two modules per character cell with half blocks, drawn in explicit black on
// white so the code scans on dark and light terminals alike.
std::string render_terminal(const QrMatrix& qr);

// Two modules per character cell with half blocks and no control sequence:
// light modules are drawn (the terminal's foreground), dark ones left blank,
// the convention of `qrencode -t UTF8` for light-on-dark terminals.
std::string render_plain(const QrMatrix& qr);

// Columns a rendering takes: the code and its quiet zone.
inline int qr_columns(const QrMatrix& qr) { return qr.size + 2 * kQrQuietZone; }

}  // namespace mfa
