// write_png: libpng into a file we create 0600.
#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <string.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "qr_png.hpp"

namespace mfa::cli {
namespace {

constexpr int kScale = 8;

struct FileCloser {
    void operator()(FILE* f) const { fclose(f); }
};

struct PngWriter {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    ~PngWriter() { png_destroy_write_struct(&png, &info); }
};

}  // namespace

Result<void> write_png(const QrMatrix& qr, const std::string& path) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return make_error(path + ": already exists; not overwriting it");
        return make_error(path + ": " + strerror(errno));
    }
    std::unique_ptr<FILE, FileCloser> file(fdopen(fd, "wb"));
    if (!file) {
        close(fd);
        return make_error(path + ": " + strerror(errno));
    }
    auto pixels = static_cast<png_uint_32>((qr.size + 2 * kQrQuietZone) * kScale);
    std::vector<png_byte> row(pixels);
    PngWriter writer;
    if (writer.png == nullptr || writer.info == nullptr) return make_error("libpng could not start");
    // libpng reports errors by longjmp: every object with a destructor exists before this point.
    if (setjmp(png_jmpbuf(writer.png))) return make_error(path + ": libpng failed to write the image");

    png_init_io(writer.png, file.get());
    png_set_IHDR(writer.png, writer.info, pixels, pixels, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(writer.png, writer.info);
    for (png_uint_32 py = 0; py < pixels; ++py) {
        int y = static_cast<int>(py) / kScale - kQrQuietZone;
        for (png_uint_32 px = 0; px < pixels; ++px)
            row[px] = qr.at(static_cast<int>(px) / kScale - kQrQuietZone, y) ? 0 : 255;
        png_write_row(writer.png, row.data());
    }
    png_write_end(writer.png, nullptr);
    return {};
}

}  // namespace mfa::cli
