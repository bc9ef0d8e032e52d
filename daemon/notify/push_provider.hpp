// A push approval's way out: a program, or an HTTPS API polled until the
// person answers. mfad-notify holds no secret of mfad's; the provider holds
// at most its own API token.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "mfa/result.hpp"

namespace mfa::notify {

struct PushChallenge {
    std::string device;
    std::string text;  // what the phone shows
    int number = 0;    // the two-digit number to pick
    std::uint64_t correlation = 0;
    std::string user, host, service, rhost;
    std::int64_t time = 0;
    std::chrono::seconds timeout{60};
};

// status: approved | denied | expired. number: the one picked, 0 when the
// provider does not say. not_me: a denial reported as fraud.
struct PushAnswer {
    std::string status;
    int number = 0;
    bool not_me = false;
};

// How the provider tells mfad-notify's connection what happened so far.
struct PushProgress {
    // The provider holds the challenge: `id` goes to mfad. false: mfad has gone, stop.
    std::function<boost::asio::awaitable<bool>(std::string id)> created;
    // Between polls: is mfad still waiting?
    std::function<bool()> wanted;
    // mfad's socket, for a provider that waits off the event loop to watch for its hangup.
    int peer_fd = -1;
};

class PushProvider {
public:
    virtual ~PushProvider() = default;
    // Sends the challenge and waits for its answer, up to challenge.timeout
    // (then "expired"). Errors never hold the device id.
    virtual boost::asio::awaitable<Result<PushAnswer>> push(const PushChallenge& challenge, const PushProgress& progress) = 0;
    // Does an approval say which number was picked? (mfad then insists on it.)
    virtual bool reports_number() const { return true; }
};

// A program's or an API's answer, one line: "approved [NN]", "denied
// [not-me]", "expired" (a "pending" is not final and is refused here).
Result<PushAnswer> parse_push_answer(std::string_view line);

// The wait before the next poll: 1 s, then half as long again each time, up to 3 s
// (mfad waits that long for an approval tapped just before Enter).
std::chrono::milliseconds next_poll_interval(std::chrono::milliseconds previous);

}  // namespace mfa::notify
