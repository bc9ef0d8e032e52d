#include "notify/notify_server.hpp"

#include <time.h>

#include <sys/socket.h>

#include <algorithm>
#include <optional>

#include "mfa/async/frame_io.hpp"
#include "mfa/email_address.hpp"
#include "mfa/version.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "mfa/wire/messages.hpp"
#include "notify/mail_message.hpp"
#include "notify/push_request.hpp"
#include "sys/log.hpp"
#include "sys/rate_limit.hpp"

namespace mfa::notify {
namespace {

namespace asio = boost::asio;
namespace log = daemon::log;

std::optional<uid_t> peer_uid(daemon::Socket& socket) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return std::nullopt;
    return cred.uid;
}

bool is_e164(std::string_view number) {
    return number.size() >= 3 && number.size() <= 16 && number[0] == '+' && number[1] != '0' &&
           std::all_of(number.begin() + 1, number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

daemon::Awaitable<void> reply_error(daemon::Socket& socket, wire::ErrorCode code, std::string_view message,
                                    std::uint32_t request_id) {
    auto frame = wire::encode(wire::ErrorReply{code, std::string(message)}, request_id);
    std::vector<wire::FrameWriter*> frames{&frame};
    (void)co_await async::write_frames(socket, frames);
}

NotifyServer::NotifyServer(daemon::Acceptor acceptor, uid_t client_uid, Providers providers, std::string mail_from,
                           ServerLimits limits)
    : acceptor_(std::move(acceptor)),
      client_uid_(client_uid),
      sms_(std::move(providers.sms)),
      email_(std::move(providers.email)),
      push_(std::move(providers.push)),
      mail_from_(std::move(mail_from)),
      limits_(limits) {}

void NotifyServer::stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

daemon::Awaitable<void> NotifyServer::run() {
    while (acceptor_.is_open()) {
        boost::system::error_code ec;
        auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted) break;
            log::warning("accept failed", {{"MFA_REASON", ec.message()}});
            continue;
        }
        // mfad's connections and everyone else's are counted apart, so peers
        // that are refused anyway cannot crowd mfad out.
        auto uid = peer_uid(socket);
        bool from_client = uid && *uid == client_uid_;
        int& open = from_client ? open_ : refusing_;
        if (open >= (from_client ? limits_.max_connections : kMaxRefusing)) continue;  // closed as it goes out of scope
        asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket), uid, from_client), asio::detached);
    }
}

daemon::Awaitable<void> NotifyServer::serve(daemon::Socket socket, std::optional<uid_t> uid, bool from_client) {
    int& open = from_client ? open_ : refusing_;
    ++open;
    // A deadline for the whole exchange: a peer that stalls holds nothing for
    // long, and one that is refused anyway holds its place a second at most.
    auto executor = socket.get_executor();
    auto shared = std::make_shared<daemon::Socket>(std::move(socket));
    asio::steady_timer deadline(executor);
    auto arm = [shared, &deadline](std::chrono::seconds limit) {
        deadline.expires_after(limit);  // a wait already armed ends as cancelled
        deadline.async_wait([shared](const boost::system::error_code& ec) {
            if (ec) return;
            boost::system::error_code ignored;
            shared->close(ignored);
        });
    };
    arm(from_client ? limits_.deadline : std::chrono::seconds(1));
    if (from_client) {
        co_await answer(*shared, arm);
    } else {
        static daemon::RateLimiter refusals_logged{1, std::chrono::seconds(10)};
        if (refusals_logged.allow())
            log::warning("refused a peer that is not mfad's user",
                         {{"MFA_PEER_UID", uid ? std::to_string(*uid) : "unknown"}});
        // The answer goes to the peer's first request, so its client reports it as such.
        auto first = co_await async::read_frame(*shared);
        co_await reply_error(*shared, wire::ErrorCode::permission_denied, "mfad-notify serves only mfad's user",
                             first ? first->header.request_id : 0);
    }
    deadline.cancel();
    --open;
}

daemon::Awaitable<void> NotifyServer::answer(daemon::Socket& socket, const std::function<void(std::chrono::seconds)>& extend) {
    auto hello_frame = co_await async::read_frame(socket);
    if (!hello_frame || hello_frame->header.type != wire::MessageType::hello) co_return;
    auto hello_fields = wire::PayloadReader::parse(hello_frame->payload);
    auto hello = hello_fields ? wire::decode_hello(*hello_fields) : Result<wire::Hello>(hello_fields.error());
    if (!hello || hello->protocol_max < wire::kProtocolMin || hello->protocol_min > wire::kProtocolMax) {
        co_await reply_error(socket, wire::ErrorCode::version_mismatch, "no protocol version in common", 0);
        co_return;
    }
    auto ok = wire::encode(wire::HelloOk{std::min(hello->protocol_max, wire::kProtocolMax), std::string("mfad-notify/") + kVersion},
                           hello_frame->header.request_id);
    std::vector<wire::FrameWriter*> greeting{&ok};
    if (!co_await async::write_frames(socket, greeting)) co_return;

    auto frame = co_await async::read_frame(socket);
    if (!frame) co_return;
    std::uint32_t id = frame->header.request_id;
    if (frame->header.type == wire::MessageType::push_send) {
        co_await answer_push(socket, *frame, push_.get(), extend);
        co_return;
    }
    auto fields = wire::PayloadReader::parse(frame->payload);
    auto request = frame->header.type != wire::MessageType::notify_send ? Result<wire::NotifySend>(make_error("not NOTIFY_SEND"))
                   : fields ? wire::decode_notify_send(*fields)
                            : Result<wire::NotifySend>(fields.error());
    explicit_bzero(frame->payload.data(), frame->payload.size());
    if (!request) {
        co_await reply_error(socket, wire::ErrorCode::malformed, request.error().message, id);
        co_return;
    }
    std::string correlation = std::to_string(request->correlation);
    // mfad sends E.164 numbers and plain addresses only; anything else must not
    // reach a program's argv (an option like "-e"), a provider's form or a
    // mail header, whoever the peer was.
    bool email = request->channel == "email";
    if (email ? !valid_email_address(request->destination) : !is_e164(request->destination)) {
        co_await reply_error(socket, wire::ErrorCode::malformed,
                             email ? "the destination is not a plain email address" : "the destination is not an E.164 number", id);
        co_return;
    }
    Provider* provider = email ? email_.get() : request->channel == "sms" ? sms_.get() : nullptr;
    if (provider == nullptr) {
        std::string why = "no provider for channel " + request->channel;
        co_await reply_error(socket, wire::ErrorCode::unsupported, why, id);
        co_return;
    }
    std::string channel = email ? "email" : "sms";
    OutgoingMessage message{std::move(request->destination), std::move(request->text)};
    std::string message_id;
    if (email) {
        auto fresh_id = new_message_id(mail_from_);
        MailParts parts{mail_from_, message.destination, request->subject, message.text,
                        static_cast<std::int64_t>(time(nullptr)), fresh_id ? *fresh_id : std::string()};
        auto mail = fresh_id ? build_mail_message(parts) : Result<std::string>(fresh_id.error());
        explicit_bzero(message.text.data(), message.text.size());
        if (!mail) {
            co_await reply_error(socket, wire::ErrorCode::malformed, mail.error().message, id);
            co_return;
        }
        message.text = std::move(*mail);
        message_id = parts.message_id;
    }
    auto sent = co_await provider->send(message);
    explicit_bzero(message.text.data(), message.text.size());
    explicit_bzero(message.destination.data(), message.destination.size());
    if (!sent) {
        log::warning("not sent", {{"MFA_CHANNEL", channel}, {"MFA_CORRELATION", correlation}, {"MFA_REASON", sent.error().message}});
        co_await reply_error(socket, wire::ErrorCode::refused, sent.error().message, id);
        co_return;
    }
    if (sent->empty()) *sent = clean_message_id(message_id);
    log::info("sent", {{"MFA_CHANNEL", channel}, {"MFA_CORRELATION", correlation}, {"MFA_MESSAGE_ID", *sent}});
    auto done = wire::encode(wire::NotifySent{*sent}, id);
    std::vector<wire::FrameWriter*> frames{&done};
    (void)co_await async::write_frames(socket, frames);
}

}  // namespace mfa::notify
