#include "crypto/master_key.hpp"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "mfa/unique_fd.hpp"

namespace mfa::daemon {
namespace {

std::string errno_text(const std::string& path) { return path + ": " + strerror(errno); }

std::string octal_mode(mode_t mode) {
    char buf[8];
    snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

Result<void> write_all(int fd, std::span<const std::uint8_t> bytes) {
    while (!bytes.empty()) {
        ssize_t n = write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return make_error(strerror(errno));
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
    return {};
}

}  // namespace

Result<MasterKey> MasterKey::from_bytes(std::span<const std::uint8_t> bytes) {
    if (bytes.size() != kSize) return make_error("key must be exactly 32 bytes, not " + std::to_string(bytes.size()));
    MasterKey key;
    key.key_ = SecretBytes(kSize);
    std::copy(bytes.begin(), bytes.end(), key.key_.data());
    // The id names the key in every ciphertext without revealing it.
    static constexpr char kLabel[] = "mfad key id v1";
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int len = 0;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
              EVP_DigestUpdate(ctx, kLabel, sizeof kLabel) == 1 &&
              EVP_DigestUpdate(ctx, bytes.data(), bytes.size()) == 1 &&
              EVP_DigestFinal_ex(ctx, digest.data(), &len) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) return make_error("key: SHA-256 failed");
    std::copy_n(digest.begin(), kIdSize, key.id_.begin());
    return key;
}

Result<MasterKey> MasterKey::load(const std::string& path) {
    // O_NONBLOCK: a FIFO planted at the path must not hang the start; it is refused below.
    UniqueFd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd) {
        if (errno == ELOOP) return make_error(path + ": is a symbolic link; refusing the key");
        return make_error("cannot open key " + errno_text(path));
    }
    struct stat st{};
    if (fstat(fd.get(), &st) != 0) return make_error(errno_text(path));
    if (!S_ISREG(st.st_mode)) return make_error(path + ": not a regular file; refusing the key");
    if ((st.st_mode & 077) != 0)
        return make_error(path + ": mode " + octal_mode(st.st_mode) +
                          " lets group or others read the key; run chmod 600 " + path);
    if (st.st_uid != geteuid() && st.st_uid != 0)
        return make_error(path + ": owned by uid " + std::to_string(st.st_uid) + ", not by mfad or root");
    if (st.st_size != static_cast<off_t>(kSize))
        return make_error(path + ": a key is exactly 32 bytes, this file has " + std::to_string(st.st_size) +
                          " (make one with mfad --generate-key)");
    SecretBytes bytes(kSize);
    std::size_t got = 0;
    while (got < kSize) {
        ssize_t n = read(fd.get(), bytes.data() + got, kSize - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return make_error("cannot read key " + errno_text(path));
        got += static_cast<std::size_t>(n);
    }
    return from_bytes(bytes.view());
}

std::string MasterKey::id_hex() const {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (auto b : id_) out += {hex[b >> 4], hex[b & 15]};
    return out;
}

std::string resolve_key_path(const std::string& key_file) {
    if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr && *dir != '\0') {
        std::string candidate = std::string(dir) + "/mfad.key";
        if (access(candidate.c_str(), F_OK) == 0) return candidate;
    }
    return key_file;
}

Result<void> generate_key_file(const std::string& path) {
    SecretBytes key(MasterKey::kSize);
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) return make_error("RAND_bytes failed");
    UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) {
        if (errno == EEXIST) return make_error(path + ": already exists; refusing to overwrite a key");
        return make_error("cannot create key " + errno_text(path));
    }
    // A default ACL on the directory can widen the mode open() was given.
    if (fchmod(fd.get(), 0600) != 0) return make_error(errno_text(path));
    if (auto written = write_all(fd.get(), key.view()); !written || fsync(fd.get()) != 0) {
        unlink(path.c_str());
        return make_error("cannot write key " + path + ": " + (written ? strerror(errno) : written.error().message));
    }
    return {};
}

}  // namespace mfa::daemon
