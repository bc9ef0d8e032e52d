#include "sender/notify_client.hpp"

#include "mfa/async/frame_io.hpp"
#include "mfa/version.hpp"
#include "mfa/wire/messages.hpp"

namespace mfa::daemon {
namespace {

Awaitable<Result<std::string>> exchange(Socket& socket, const std::string& path, const wire::NotifySend& message) {
    boost::system::error_code ec;
    // Named, not temporaries: g++ 12 destroys temporaries of a co_await expression twice.
    asio::local::stream_protocol::endpoint endpoint(path);
    co_await socket.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error("mfad-notify is not running (" + path + ": " + ec.message() + ")");
    auto hello = wire::encode(wire::Hello{wire::kProtocolMin, wire::kProtocolMax, std::string("mfad/") + kVersion}, 0);
    auto send = wire::encode(message, 1);
    std::vector<wire::FrameWriter*> frames{&hello, &send};
    auto written = co_await async::write_frames(socket, frames);
    if (!written) co_return make_error("mfad-notify: " + written.error().message);
    for (int expected = 0; expected < 2; ++expected) {
        auto frame = co_await async::read_frame(socket);
        if (!frame) co_return make_error("mfad-notify hung up: " + frame.error().message);
        auto payload = wire::PayloadReader::parse(frame->payload);
        if (!payload) co_return make_error("mfad-notify: " + payload.error().message);
        if (frame->header.type == wire::MessageType::error) {
            auto error = wire::decode_error(*payload);
            co_return make_error(error ? error->message : "mfad-notify sent a malformed error");
        }
        if (expected == 0 && frame->header.type == wire::MessageType::hello_ok) continue;
        if (expected == 1 && frame->header.type == wire::MessageType::notify_sent) {
            auto sent = wire::decode_notify_sent(*payload);
            if (!sent) co_return make_error("mfad-notify: " + sent.error().message);
            co_return sent->message_id;
        }
        break;
    }
    co_return make_error("mfad-notify answered out of turn");
}

}  // namespace

Awaitable<Result<std::string>> send_through_notify(const Config::Notify& config, const wire::NotifySend& message) {
    auto executor = co_await asio::this_coro::executor;
    // Shared with the timer's handler, which may already be queued when the
    // exchange ends: it must find the socket still there.
    struct Exchange {
        explicit Exchange(const asio::any_io_executor& e) : socket(e) {}
        Socket socket;
        bool timed_out = false;
    };
    auto shared = std::make_shared<Exchange>(executor);
    asio::steady_timer deadline(executor);
    deadline.expires_after(config.timeout);
    deadline.async_wait([shared](const boost::system::error_code& ec) {
        if (ec) return;  // cancelled: the exchange ended first
        shared->timed_out = true;
        boost::system::error_code ignored;
        shared->socket.close(ignored);
    });
    auto result = co_await exchange(shared->socket, config.socket, message);
    deadline.cancel();
    if (shared->timed_out)
        co_return make_error("mfad-notify did not answer within " + std::to_string(config.timeout.count()) + " s");
    co_return result;
}

}  // namespace mfa::daemon
