#include "fake_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

namespace mfa::test {

FakeServer::FakeServer(const std::string& path, Mode mode) : path_(path), mode_(mode) {
    unlink(path.c_str());
    listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 16) != 0)
        throw std::runtime_error("fake server cannot listen on " + path);
    thread_ = std::thread([this] { serve(); });
}

FakeServer::FakeServer(const std::string& path, std::vector<std::vector<std::uint8_t>> replies)
    : FakeServer(path, Mode::hang) {
    // The thread only reads mode_ and replies_ after a client connects, and none has yet.
    replies_ = std::move(replies);
    mode_ = Mode::scripted;
}

FakeServer::~FakeServer() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
    unlink(path_.c_str());
}

void FakeServer::serve() {
    std::vector<int> clients;
    while (!stop_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        clients.push_back(fd);
        if (mode_ == Mode::garbage) {
            char buf[64];
            (void)!recv(fd, buf, sizeof buf, 0);
            static const char junk[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
            (void)!send(fd, junk, sizeof junk - 1, MSG_NOSIGNAL);
        }
        if (mode_ == Mode::scripted) answer_frames(fd);
    }
    for (int fd : clients) close(fd);
}

// Cuts frames by the length in their header (bytes 8-11, big-endian); the
// client may send several in one write.
void FakeServer::answer_frames(int fd) {
    std::vector<std::uint8_t> in;
    std::size_t answered = 0;
    while (!stop_ && answered < replies_.size()) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        std::uint8_t buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        in.insert(in.end(), buf, buf + n);
        while (in.size() >= 16 && answered < replies_.size()) {
            std::size_t length = (std::size_t{in[8]} << 24) | (std::size_t{in[9]} << 16) | (std::size_t{in[10]} << 8) | in[11];
            if (in.size() < 16 + length) break;
            in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(16 + length));
            const auto& reply = replies_[answered++];
            if (reply.empty()) {  // the script's way to say "hang up here"
                shutdown(fd, SHUT_RDWR);
                return;
            }
            (void)!send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
        }
    }
}

}  // namespace mfa::test
