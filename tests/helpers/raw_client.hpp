// A client that sends whatever bytes a test wants, to see how mfad copes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mfa/wire/messages.hpp"

namespace mfa::test {

struct RawFrame {
    wire::Header header;
    std::vector<std::uint8_t> payload;
};

class RawClient {
public:
    explicit RawClient(const std::string& socket_path);
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return fd_ >= 0; }
    bool send_bytes(const std::vector<std::uint8_t>& bytes);
    bool send(wire::FrameWriter& frame);
    // The next frame, or nullopt on EOF, error or after timeout_ms.
    std::optional<RawFrame> receive(int timeout_ms = 3000);
    // True when the daemon closed the connection within timeout_ms.
    bool closed_by_peer(int timeout_ms = 3000);
    // HELLO and HELLO_OK; true on success.
    bool handshake();

private:
    bool read_exact(std::uint8_t* out, std::size_t size, int timeout_ms);
    int fd_ = -1;
};

std::vector<std::uint8_t> frame_bytes(wire::FrameWriter& frame);

}  // namespace mfa::test
