#include "crypto/pending_key_file.hpp"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mfa/unique_fd.hpp"

#include <algorithm>
#include <vector>

namespace mfa::daemon {
namespace {

constexpr std::size_t kMaxSealedKey = 256;


Error failed(const std::string& path, const char* what) { return make_error(path + ": " + what + ": " + strerror(errno)); }

Result<void> write_all(int fd, std::span<const std::uint8_t> bytes, const std::string& path) {
    for (std::size_t done = 0; done < bytes.size();) {
        ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return failed(path, "write");
        done += static_cast<std::size_t>(n);
    }
    if (fsync(fd) != 0) return failed(path, "fsync");
    return {};
}

Result<void> sync_directory(const std::string& path) {
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    mfa::UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || fsync(fd.get()) != 0) return failed(dir, "fsync");
    return {};
}

}  // namespace

Result<void> write_pending_key(const std::string& path, std::span<const std::uint8_t> sealed) {
    std::string temporary = path + ".tmp";
    unlink(temporary.c_str());
    {
        mfa::UniqueFd fd(open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (fd.get() < 0) return failed(temporary, "create");
        if (auto rc = write_all(fd.get(), sealed, temporary); !rc) return rc.error();
    }
    if (rename(temporary.c_str(), path.c_str()) != 0) return failed(path, "rename");
    return sync_directory(path);
}

Result<std::optional<std::vector<std::uint8_t>>> read_pending_key(const std::string& path) {
    mfa::UniqueFd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0 && errno == ENOENT) return std::optional<std::vector<std::uint8_t>>();
    if (fd.get() < 0) return failed(path, "open");
    struct stat st{};
    if (fstat(fd.get(), &st) != 0) return failed(path, "stat");
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 || static_cast<std::size_t>(st.st_size) > kMaxSealedKey)
        return make_error(path + ": not a sealed key");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.st_size));
    for (std::size_t done = 0; done < bytes.size();) {
        ssize_t n = read(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return failed(path, "read");
        done += static_cast<std::size_t>(n);
    }
    return std::optional<std::vector<std::uint8_t>>(std::move(bytes));
}

Result<void> destroy_pending_key(const std::string& path) {
    {
        mfa::UniqueFd fd(open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        if (fd.get() < 0 && errno == ENOENT) return {};
        if (fd.get() < 0) return failed(path, "open");
        struct stat st{};
        if (fstat(fd.get(), &st) != 0) return failed(path, "stat");
        std::vector<std::uint8_t> zeros(static_cast<std::size_t>(std::max<off_t>(st.st_size, 0)), 0);
        if (S_ISREG(st.st_mode))
            if (auto rc = write_all(fd.get(), zeros, path); !rc) return rc.error();
    }
    if (unlink(path.c_str()) != 0) return failed(path, "unlink");
    return sync_directory(path);
}

}  // namespace mfa::daemon
