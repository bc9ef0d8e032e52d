#include "import/owned_file.hpp"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mfa/unique_fd.hpp"

#include <algorithm>
#include <cstdio>

namespace mfa::cli {
namespace {

// Filesystem checks as another account for one scope; back to root after.
class FilesystemIds {
public:
    explicit FilesystemIds(const std::optional<std::pair<uid_t, gid_t>>& ids) : active_(ids.has_value()) {
        if (!active_) return;
        setfsgid(ids->second);
        setfsuid(ids->first);
        // setfsuid reports nothing: ask again to know it took.
        ok_ = static_cast<uid_t>(setfsuid(static_cast<uid_t>(-1))) == ids->first &&
              static_cast<gid_t>(setfsgid(static_cast<gid_t>(-1))) == ids->second;
    }
    ~FilesystemIds() {
        if (!active_) return;
        setfsuid(geteuid());
        setfsgid(getegid());
    }
    FilesystemIds(const FilesystemIds&) = delete;
    FilesystemIds& operator=(const FilesystemIds&) = delete;
    bool ok() const { return ok_; }

private:
    bool active_ = false;
    bool ok_ = true;
};

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

}  // namespace

Result<std::optional<std::string>> read_owned_file(const std::string& path, const FileRules& rules) {
    int raw = -1;
    int open_errno = 0;
    {
        FilesystemIds as(rules.open_as);
        if (!as.ok()) return make_error(path + ": cannot take the owner's filesystem identity (run as root)");
        // O_NONBLOCK: a FIFO put in its place must not hang the import.
        raw = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        open_errno = errno;
    }
    mfa::UniqueFd fd(raw);
    if (fd.get() < 0) {
        if (open_errno == ENOENT) return std::optional<std::string>();
        if (open_errno == ELOOP) return make_error(path + ": is a symbolic link; not followed");
        return make_error(path + ": " + strerror(open_errno));
    }
    struct stat st{};
    if (fstat(fd.get(), &st) != 0) return make_error(path + ": " + strerror(errno));
    if (!S_ISREG(st.st_mode)) return make_error(path + ": not a regular file");
    if (st.st_nlink != 1) return make_error(path + ": has " + std::to_string(st.st_nlink) + " hard links; refused");
    if (std::find(rules.owners.begin(), rules.owners.end(), st.st_uid) == rules.owners.end())
        return make_error(path + ": owned by uid " + std::to_string(st.st_uid) + ", not by its user");
    if ((st.st_mode & 077) != 0)
        return make_error(path + ": mode " + octal_mode(st.st_mode) + " lets others in; it must be 0600 or 0400");
    if (static_cast<std::size_t>(st.st_size) > rules.max_bytes) return make_error(path + ": too large for a token file");
    std::string text(rules.max_bytes + 1, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        ssize_t n = read(fd.get(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return make_error(path + ": " + strerror(errno));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got > rules.max_bytes) return make_error(path + ": too large for a token file");
    text.resize(got);
    return std::optional<std::string>(std::move(text));
}

}  // namespace mfa::cli
