// A QR code as a PNG file, for `mfactl enroll totp --qr-png`.
#pragma once

#include <string>

#include "mfa/qr_code.hpp"

namespace mfa::cli {

// 8 pixels per module with the standard 4-module quiet zone. The file holds the
// secret, so it is created 0600 and never over an existing file.
Result<void> write_png(const QrMatrix& qr, const std::string& path);

}  // namespace mfa::cli
