#include "metrics/textfile.hpp"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mfa/unique_fd.hpp"

namespace mfa::daemon {
namespace {

Error failure(const std::string& what, const std::string& path) {
    return make_error("metrics textfile: " + what + " " + path + ": " + strerror(errno));
}

}  // namespace

Result<void> replace_textfile(const std::string& path, const std::string& content) {
    std::string temp = path + ".XXXXXX";
    UniqueFd fd(mkostemp(temp.data(), O_CLOEXEC));
    if (!fd) return failure("cannot create a file beside", path);
    auto fail = [&](const char* what) {
        Error error = failure(what, temp);
        unlink(temp.c_str());
        return error;
    };
    if (fchmod(fd.get(), 0644) != 0) return fail("cannot chmod");
    for (std::size_t done = 0; done < content.size();) {
        ssize_t n = write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail("cannot write");
        done += static_cast<std::size_t>(n);
    }
    if (rename(temp.c_str(), path.c_str()) != 0) return fail("cannot rename");
    return {};
}

}  // namespace mfa::daemon
