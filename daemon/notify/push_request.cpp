#include "notify/push_request.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include "mfa/unique_fd.hpp"
#include "mfa/wire/messages.hpp"
#include "mfa/wire/push_messages.hpp"
#include "sys/log.hpp"

namespace mfa::notify {
namespace {

namespace log = daemon::log;

// The longest a provider may take beyond the push's own wait: the last poll, or the program's reaping.
constexpr std::chrono::seconds kPushMargin{15};

// mfad closes its end when the person stops waiting (Enter at the prompt).
bool peer_still_there(daemon::Socket& socket) {
    char byte;
    ssize_t n = recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n != 0 && !(n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

}  // namespace

daemon::Awaitable<void> answer_push(daemon::Socket& socket, async::Frame& frame, PushProvider* provider,
                                    const std::function<void(std::chrono::seconds)>& extend) {
    std::uint32_t id = frame.header.request_id;
    auto fields = wire::PayloadReader::parse(frame.payload);
    auto request = fields ? wire::decode_push_send(*fields) : Result<wire::PushSend>(fields.error());
    if (!request) {
        co_await reply_error(socket, wire::ErrorCode::malformed, request.error().message, id);
        co_return;
    }
    if (provider == nullptr) {
        co_await reply_error(socket, wire::ErrorCode::unsupported, "no push.provider is configured", id);
        co_return;
    }
    extend(std::chrono::seconds(request->timeout_s) + kPushMargin);
    std::string correlation = std::to_string(request->correlation);
    PushChallenge challenge{std::move(request->device), std::move(request->text), static_cast<int>(request->number),
                            request->correlation, std::move(request->user), std::move(request->host),
                            std::move(request->service), std::move(request->rhost), static_cast<std::int64_t>(request->time),
                            std::chrono::seconds(request->timeout_s)};
    // A copy for a worker thread to poll: the event loop may close the socket itself meanwhile.
    UniqueFd watched(fcntl(socket.native_handle(), F_DUPFD_CLOEXEC, 0));
    PushProgress progress{
        [&socket, id](std::string challenge_id) -> daemon::Awaitable<bool> {
            auto created = wire::encode(wire::PushCreated{std::move(challenge_id)}, id);
            std::vector<wire::FrameWriter*> frames{&created};
            auto written = co_await async::write_frames(socket, frames);
            co_return written.ok();
        },
        [&socket] { return peer_still_there(socket); },
        watched.get()};
    auto answer = co_await provider->push(challenge, progress);
    if (!answer) {
        log::warning("push failed", {{"MFA_CHANNEL", "push"}, {"MFA_CORRELATION", correlation}, {"MFA_REASON", answer.error().message}});
        co_await reply_error(socket, wire::ErrorCode::refused, answer.error().message, id);
        co_return;
    }
    log::info("push answered", {{"MFA_CHANNEL", "push"}, {"MFA_CORRELATION", correlation}, {"MFA_RESULT", answer->status}});
    auto result = wire::encode(wire::PushResult{answer->status, static_cast<std::uint32_t>(answer->number), answer->not_me,
                                                !provider->reports_number()},
                               id);
    std::vector<wire::FrameWriter*> frames{&result};
    (void)co_await async::write_frames(socket, frames);
}

}  // namespace mfa::notify
