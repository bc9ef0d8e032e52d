// One way out for messages: a program, or an HTTPS API. mfad-notify holds no
// secret of mfad's; a provider holds at most its own API token.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <string>

#include "mfa/result.hpp"

namespace mfa::notify {

struct OutgoingMessage {
    std::string destination;  // an E.164 number
    std::string text;
};

class Provider {
public:
    virtual ~Provider() = default;
    // The provider's id for the message ("" if it gives none), or why it was
    // not sent. The reason never holds the destination or the text.
    virtual boost::asio::awaitable<Result<std::string>> send(const OutgoingMessage& message) = 0;
};

// What a provider's answer may put in an audit row: up to 128 printable
// ASCII characters, else nothing.
std::string clean_message_id(std::string_view raw);

}  // namespace mfa::notify
