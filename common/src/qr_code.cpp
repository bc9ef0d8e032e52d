#include "mfa/qr_code.hpp"

#include <qrencode.h>

#include <memory>
#include <string>

namespace mfa {
namespace {

struct QrDeleter {
    void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

Result<QrMatrix> make_qr(std::string_view text) {
    std::string copy(text);
    std::unique_ptr<QRcode, QrDeleter> code(QRcode_encodeString(copy.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!code) return make_error("cannot make a QR code of the URI");
    QrMatrix qr{code->width, std::vector<bool>(static_cast<std::size_t>(code->width * code->width))};
    for (std::size_t i = 0; i < qr.dark.size(); ++i) qr.dark[i] = (code->data[i] & 1) != 0;
    return qr;
}

std::string render_terminal(const QrMatrix& qr) {
    // Foreground paints the upper module of the cell, background the lower one.
    static constexpr const char* kUpperHalf = "\u2580";
    std::string out;
    for (int y = -kQrQuietZone; y < qr.size + kQrQuietZone; y += 2) {
        for (int x = -kQrQuietZone; x < qr.size + kQrQuietZone; ++x) {
            bool top = qr.at(x, y);
            bool bottom = qr.at(x, y + 1);
            out += top ? "\033[30m" : "\033[97m";
            out += bottom ? "\033[40m" : "\033[107m";
            out += kUpperHalf;
        }
        out += "\033[0m\n";
    }
    return out;
}

std::string render_plain(const QrMatrix& qr) {
    static constexpr const char* kCells[] = {" ", "\u2584", "\u2580", "\u2588"};  // none, lower, upper, both light
    std::string out;
    for (int y = -kQrQuietZone; y < qr.size + kQrQuietZone; y += 2) {
        for (int x = -kQrQuietZone; x < qr.size + kQrQuietZone; ++x)
            out += kCells[(qr.at(x, y) ? 0 : 2) + (qr.at(x, y + 1) ? 0 : 1)];
        out += '\n';
    }
    return out;
}

}  // namespace mfa
