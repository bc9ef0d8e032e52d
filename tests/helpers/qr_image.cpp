#include "qr_image.hpp"

#include <sstream>

namespace mfa::test {

std::string qr_rows_to_pgm(const std::vector<std::vector<bool>>& dark_rows) {
    const int scale = 8, margin = 4;
    std::size_t columns = dark_rows.empty() ? 0 : dark_rows[0].size();
    std::size_t width = (columns + 2 * margin) * scale, height = (dark_rows.size() + 2 * margin) * scale;
    std::string pgm = "P5\n" + std::to_string(width) + " " + std::to_string(height) + "\n255\n";
    std::string light_row(width, '\xff');
    for (int r = 0; r < margin * scale; ++r) pgm += light_row;
    for (const auto& row : dark_rows)
        for (int r = 0; r < scale; ++r) {
            pgm += std::string(margin * scale, '\xff');
            for (std::size_t x = 0; x < columns; ++x) pgm += std::string(scale, x < row.size() && row[x] ? '\0' : '\xff');
            pgm += std::string(margin * scale, '\xff');
        }
    for (int r = 0; r < margin * scale; ++r) pgm += light_row;
    return pgm;
}

std::string plain_qr_to_pgm(const std::string& text) {
    std::vector<std::vector<bool>> rows;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find("\u2588") == std::string::npos) continue;  // every row of a drawing has a full block
        std::vector<bool> top, bottom;
        for (std::size_t at = 0; at < line.size();) {
            if (line[at] == ' ') {
                top.push_back(true);
                bottom.push_back(true);
                ++at;
                continue;
            }
            std::string cell = line.substr(at, 3);
            top.push_back(cell == "\u2584");
            bottom.push_back(cell == "\u2580");
            at += 3;
        }
        rows.push_back(top);
        rows.push_back(bottom);
    }
    return qr_rows_to_pgm(rows);
}

}  // namespace mfa::test
