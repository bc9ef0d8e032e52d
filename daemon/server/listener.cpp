#include "server/listener.hpp"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mfa/unique_fd.hpp"
#include "sys/systemd.hpp"

namespace mfa::daemon {
namespace {

std::string errno_text(const std::string& what) { return what + ": " + strerror(errno); }

bool someone_listens(const sockaddr_un& addr) {
    UniqueFd probe(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    return probe && connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
}

Result<UniqueFd> bind_path(const std::string& path, mode_t mode) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return make_error("socket path too long: " + path);
    std::copy(path.begin(), path.end(), addr.sun_path);

    struct stat st{};
    if (lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) return make_error(path + ": exists and is not a socket");
        if (someone_listens(addr)) return make_error(path + ": another daemon is listening there");
        if (unlink(path.c_str()) != 0) return make_error("cannot remove stale " + errno_text(path));
    }
    UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return make_error(errno_text("socket"));
    if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
        return make_error("cannot bind " + errno_text(path));
    if (chmod(path.c_str(), mode) != 0) return make_error(errno_text(path));
    if (listen(fd.get(), SOMAXCONN) != 0) return make_error(errno_text("listen"));
    return fd;
}

}  // namespace

Result<Acceptor> open_listener(asio::io_context& io, const std::string& path, bool& activated, mode_t mode) {
    auto passed = systemd::activated_socket();
    if (!passed.problem.empty()) return make_error(std::string(passed.problem));
    activated = passed.fd.has_value();
    int fd = 0;
    if (activated) {
        fd = *passed.fd;
    } else {
        auto bound = bind_path(path, mode);
        if (!bound) return bound.error();
        fd = bound->release();
    }
    boost::system::error_code ec;
    Acceptor acceptor(io);
    acceptor.assign(asio::local::stream_protocol(), fd, ec);
    if (ec) {
        close(fd);
        return make_error("cannot use the listening socket: " + ec.message());
    }
    return acceptor;
}

}  // namespace mfa::daemon
