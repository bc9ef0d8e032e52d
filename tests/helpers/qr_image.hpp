// QR codes drawn as text, turned back into an image for zbarimg.
#pragma once

#include <string>
#include <vector>

namespace mfa::test {

// A PGM of the modules (true = dark), 8 pixels each, with a light margin.
std::string qr_rows_to_pgm(const std::vector<std::vector<bool>>& dark_rows);

// The login's plain drawing (mfa::render_plain): light modules are drawn
// (U+2588 both, U+2580 upper, U+2584 lower), dark ones are spaces.
std::string plain_qr_to_pgm(const std::string& text);

}  // namespace mfa::test
