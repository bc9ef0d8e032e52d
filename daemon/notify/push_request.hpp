// mfad-notify's side of one PUSH_SEND: PUSH_CREATED once the provider holds
// the challenge, then PUSH_RESULT (or ERROR) when it is answered or expires.
#pragma once

#include <functional>

#include "mfa/async/frame_io.hpp"
#include "mfa/wire/messages.hpp"
#include "notify/push_provider.hpp"
#include "server/asio.hpp"

namespace mfa::notify {

// `extend` moves the connection's deadline to cover the push's wait.
daemon::Awaitable<void> answer_push(daemon::Socket& socket, async::Frame& frame, PushProvider* provider,
                                    const std::function<void(std::chrono::seconds)>& extend);

// An ERROR reply (the connection's first request gets it, whoever asked).
// A string_view: g++ 12 destroys a std::string temporary of a co_await expression twice.
daemon::Awaitable<void> reply_error(daemon::Socket& socket, wire::ErrorCode code, std::string_view message,
                                    std::uint32_t request_id);

}  // namespace mfa::notify
