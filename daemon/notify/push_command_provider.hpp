// The `command` push provider: one run of a program per push. It gets the
// challenge as one JSON object on stdin and prints its answer's line
// (approved [NN] | denied [not-me] | expired) when the person answered. A run
// still going at push.timeout is killed, and the push has expired.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <vector>

#include "notify/push_provider.hpp"

namespace mfa::notify {

// The program's stdin: every field of the challenge, the text included.
std::string push_challenge_json(const PushChallenge& challenge);

class PushCommandProvider final : public PushProvider {
public:
    explicit PushCommandProvider(std::vector<std::string> argv) : argv_(std::move(argv)) {}
    boost::asio::awaitable<Result<PushAnswer>> push(const PushChallenge& challenge, const PushProgress& progress) override;

private:
    std::vector<std::string> argv_;
    // Each run waits on its own thread, never on the event loop; one per push
    // mfad may hold open (kMaxOpenPushes), so no user's waiting push queues another's.
    boost::asio::thread_pool workers_{32};
};

}  // namespace mfa::notify
