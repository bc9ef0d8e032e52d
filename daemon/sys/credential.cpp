#include "credential.hpp"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "mfa/unique_fd.hpp"

namespace mfa::daemon {

Result<std::string> read_credential(const std::string& name_or_path) {
    std::string path = name_or_path;
    if (name_or_path.empty() || name_or_path.front() != '/') {
        const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
        if (dir == nullptr || name_or_path.find('/') != std::string::npos)
            return make_error("credential " + name_or_path + ": no $CREDENTIALS_DIRECTORY (LoadCredential=" +
                              name_or_path + ":FILE in the unit) and not an absolute path");
        path = std::string(dir) + "/" + name_or_path;
    }
    UniqueFd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd) return make_error("credential " + path + ": " + strerror(errno));
    struct stat st{};
    if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return make_error("credential " + path + ": not a regular file");
    if ((st.st_mode & 077) != 0) return make_error("credential " + path + ": readable by group or others; chmod 600 it");
    if (st.st_size == 0 || st.st_size > 4096) return make_error("credential " + path + ": empty or larger than 4 KiB");
    std::string value(static_cast<std::size_t>(st.st_size), '\0');
    if (read(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
        return make_error("credential " + path + ": short read");
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    if (value.empty()) return make_error("credential " + path + ": empty");
    return value;
}

}  // namespace mfa::daemon
