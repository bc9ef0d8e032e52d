// Frames over an Asio Unix socket, for the two daemons (mfad's sender client
// and mfad-notify's server). Deadlines are the caller's: a timer that closes
// the socket ends any read or write here.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <vector>

#include "mfa/result.hpp"
#include "mfa/wire/frame.hpp"
#include "mfa/wire/tlv.hpp"

namespace mfa::async {

using UnixSocket = boost::asio::local::stream_protocol::socket;

struct Frame {
    wire::Header header;
    std::vector<std::uint8_t> payload;  // wiped by the caller when it held a secret
};

// One whole frame; a payload over `cap` is refused before it is read.
boost::asio::awaitable<Result<Frame>> read_frame(UnixSocket& socket, std::uint32_t cap = wire::kMaxPayload);

// The frames, in order, in one write.
boost::asio::awaitable<Result<void>> write_frames(UnixSocket& socket, std::vector<wire::FrameWriter*> frames);

}  // namespace mfa::async
