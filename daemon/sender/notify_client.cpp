#include "sender/notify_client.hpp"

#include "mfa/async/frame_io.hpp"
#include "mfa/version.hpp"
#include "mfa/wire/messages.hpp"

namespace mfa::daemon {
namespace {

// Connects, greets and sends `request` (HELLO and the request in one write).
Awaitable<Result<void>> open_exchange(Socket& socket, const std::string& path, wire::FrameWriter& request) {
    boost::system::error_code ec;
    // Named, not temporaries: g++ 12 destroys temporaries of a co_await expression twice.
    asio::local::stream_protocol::endpoint endpoint(path);
    co_await socket.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error("mfad-notify is not running (" + path + ": " + ec.message() + ")");
    auto hello = wire::encode(wire::Hello{wire::kProtocolMin, wire::kProtocolMax, std::string("mfad/") + kVersion}, 0);
    std::vector<wire::FrameWriter*> frames{&hello, &request};
    auto written = co_await async::write_frames(socket, frames);
    if (!written) co_return make_error("mfad-notify: " + written.error().message);
    co_return Result<void>();
}

// The next frame: `type`'s payload, or the sender's ERROR (HELLO_OK is skipped).
Awaitable<Result<std::vector<std::uint8_t>>> read_reply(Socket& socket, wire::MessageType type) {
    for (;;) {
        auto frame = co_await async::read_frame(socket);
        if (!frame) co_return make_error("mfad-notify hung up: " + frame.error().message);
        if (frame->header.type == wire::MessageType::hello_ok) continue;
        if (frame->header.type == wire::MessageType::error) {
            auto payload = wire::PayloadReader::parse(frame->payload);
            auto error = payload ? wire::decode_error(*payload) : Result<wire::ErrorReply>(payload.error());
            co_return make_error(error ? error->message : "mfad-notify sent a malformed error");
        }
        if (frame->header.type != type) co_return make_error("mfad-notify answered out of turn");
        co_return std::move(frame->payload);
    }
}

template <class T>
Result<T> decode(const Result<std::vector<std::uint8_t>>& payload, Result<T> (*decoder)(const wire::PayloadReader&)) {
    if (!payload) return payload.error();
    auto fields = wire::PayloadReader::parse(*payload);
    if (!fields) return make_error("mfad-notify: " + fields.error().message);
    auto out = decoder(*fields);
    if (!out) return make_error("mfad-notify: " + out.error().message);
    return out;
}

std::string too_slow(std::chrono::steady_clock::duration limit) {
    return "mfad-notify did not answer within " +
           std::to_string(std::chrono::duration_cast<std::chrono::seconds>(limit).count()) + " s";
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
    auto request = wire::encode(message, 1);
    auto opened = co_await open_exchange(shared->socket, config.socket, request);
    Result<std::vector<std::uint8_t>> reply = make_error("not sent");
    if (opened) {
        reply = co_await read_reply(shared->socket, wire::MessageType::notify_sent);
    } else {
        reply = opened.error();
    }
    deadline.cancel();
    if (shared->timed_out) co_return make_error(too_slow(config.timeout));
    auto sent = decode(reply, wire::decode_notify_sent);
    if (!sent) co_return sent.error();
    co_return sent->message_id;
}

void NotifyPush::arm(std::chrono::steady_clock::duration limit) {
    ++phase_;
    timed_out_ = false;
    timer_.expires_after(limit);
    // The handler holds this object, so a late one still finds the socket; one
    // from an earlier wait (queued as that wait ended) finds a newer phase and does nothing.
    timer_.async_wait([self = shared_from_this(), phase = phase_](const boost::system::error_code& ec) {
        if (ec || self->phase_ != phase) return;
        self->timed_out_ = true;
        self->cancel();
    });
}

bool NotifyPush::disarm() {
    ++phase_;
    timer_.cancel();
    return timed_out_;
}

Awaitable<Result<std::vector<std::uint8_t>>> NotifyPush::expect(wire::MessageType type,
                                                                std::chrono::steady_clock::duration limit) {
    arm(limit);
    auto reply = co_await read_reply(socket_, type);
    if (disarm()) co_return make_error(too_slow(limit));
    co_return reply;
}

Awaitable<Result<std::string>> NotifyPush::create(const Config::Notify& config, const wire::PushSend& push) {
    // One deadline for connecting, sending and the reply: the login's module waits on all of it.
    auto deadline = std::chrono::steady_clock::now() + config.timeout;
    auto request = wire::encode(push, 1);
    arm(config.timeout);
    auto opened = co_await open_exchange(socket_, config.socket, request);
    if (disarm()) co_return make_error(too_slow(config.timeout));
    if (!opened) co_return opened.error();
    auto reply = co_await expect(wire::MessageType::push_created, deadline - std::chrono::steady_clock::now());
    auto created = decode(reply, wire::decode_push_created);
    if (!created) co_return created.error();
    co_return created->challenge_id;
}

Awaitable<Result<wire::PushResult>> NotifyPush::answer(std::chrono::seconds limit) {
    auto reply = co_await expect(wire::MessageType::push_result, limit);
    co_return decode(reply, wire::decode_push_result);
}

void NotifyPush::cancel() {
    boost::system::error_code ignored;
    socket_.close(ignored);
}

}  // namespace mfa::daemon
