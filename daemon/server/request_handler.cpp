#include "server/request_handler.hpp"

#include "mfa/version.hpp"

namespace mfa::daemon {
namespace {

Outcome violation(std::uint32_t request_id, std::string reason) {
    return Outcome{wire::encode(wire::ErrorReply{wire::ErrorCode::malformed, reason}, request_id), reason};
}

}  // namespace

Awaitable<Outcome> RequestHandler::handle(const Peer&, const wire::Header& header,
                                          const wire::PayloadReader& payload) {
    using wire::MessageType;
    switch (header.type) {
        case MessageType::ping:
            if (auto ok = wire::decode_empty(payload); !ok) co_return violation(header.request_id, ok.error().message);
            co_return Outcome{wire::encode_empty(MessageType::pong, header.request_id), {}};
        case MessageType::status: {
            if (auto ok = wire::decode_empty(payload); !ok) co_return violation(header.request_id, ok.error().message);
            auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                                state_.started);
            wire::StatusReply reply{kVersion, static_cast<std::uint32_t>(state_.store->schema_version()),
                                    static_cast<std::uint64_t>(uptime.count())};
            co_return Outcome{wire::encode(reply, header.request_id), {}};
        }
        default:
            // Replies, or a second HELLO: never valid from a client here.
            co_return violation(header.request_id, "unexpected message type");
    }
}

}  // namespace mfa::daemon
