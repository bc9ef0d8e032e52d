#include "mfa/async/frame_io.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace mfa::async {

namespace asio = boost::asio;

asio::awaitable<Result<Frame>> read_frame(UnixSocket& socket, std::uint32_t cap) {
    boost::system::error_code ec;
    wire::HeaderBytes bytes{};
    co_await asio::async_read(socket, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error("read: " + ec.message());
    auto header = wire::decode_header(bytes, cap);
    if (!header) co_return header.error();
    Frame frame{*header, std::vector<std::uint8_t>(header->length)};
    co_await asio::async_read(socket, asio::buffer(frame.payload), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error("read: " + ec.message());
    co_return frame;
}

asio::awaitable<Result<void>> write_frames(UnixSocket& socket, std::vector<wire::FrameWriter*> frames) {
    std::vector<asio::const_buffer> buffers;
    for (auto* frame : frames) {
        auto bytes = frame->finish();
        if (!bytes) co_return bytes.error();
        buffers.emplace_back(bytes->data(), bytes->size());
    }
    boost::system::error_code ec;
    co_await asio::async_write(socket, buffers, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error("write: " + ec.message());
    co_return Result<void>{};
}

}  // namespace mfa::async
