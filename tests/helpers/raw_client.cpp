#include "raw_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>

namespace mfa::test {

RawClient::RawClient(const std::string& socket_path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    socket_path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd_);
        fd_ = -1;
    }
}

RawClient::~RawClient() {
    if (fd_ >= 0) close(fd_);
}

bool RawClient::send_bytes(const std::vector<std::uint8_t>& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::vector<std::uint8_t> frame_bytes(wire::FrameWriter& frame) {
    auto bytes = frame.finish();
    return bytes ? std::vector<std::uint8_t>(bytes->begin(), bytes->end()) : std::vector<std::uint8_t>{};
}

bool RawClient::send(wire::FrameWriter& frame) { return send_bytes(frame_bytes(frame)); }

bool RawClient::read_exact(std::uint8_t* out, std::size_t size, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::size_t got = 0;
    while (got < size) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{fd_, POLLIN, 0};
        if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        ssize_t n = recv(fd_, out + got, size - got, 0);
        if (n <= 0) return false;
        got += static_cast<std::size_t>(n);
    }
    return true;
}

std::optional<RawFrame> RawClient::receive(int timeout_ms) {
    wire::HeaderBytes raw{};
    if (!read_exact(raw.data(), raw.size(), timeout_ms)) return std::nullopt;
    auto header = wire::decode_header(raw);
    if (!header) return std::nullopt;
    RawFrame frame{*header, std::vector<std::uint8_t>(header->length)};
    if (header->length > 0 && !read_exact(frame.payload.data(), header->length, timeout_ms)) return std::nullopt;
    return frame;
}

bool RawClient::closed_by_peer(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    char c;
    return recv(fd_, &c, 1, MSG_DONTWAIT) == 0 || (p.revents & (POLLHUP | POLLERR)) != 0;
}

bool RawClient::handshake() {
    auto hello = wire::encode(wire::Hello{wire::kProtocolMin, wire::kProtocolMax, "test"}, 1);
    if (!send(hello)) return false;
    auto reply = receive();
    return reply && reply->header.type == wire::MessageType::hello_ok;
}

}  // namespace mfa::test
