// The `command` provider: runs a program for each message. No shell: the
// argv is the config's list with {phone} filled in; the text goes on stdin;
// the environment is clean; after the timeout the program and everything it
// started are killed. Exit 0 is sent; the first line of its stdout is the
// provider's message id. Push uses the same run (push_command_provider).
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <vector>

#include "provider.hpp"

namespace mfa::notify {

class CommandProvider final : public Provider {
public:
    CommandProvider(std::vector<std::string> argv, std::chrono::seconds timeout)
        : argv_(std::move(argv)), timeout_(timeout) {}
    boost::asio::awaitable<Result<std::string>> send(const OutgoingMessage& message) override;

private:
    std::vector<std::string> argv_;
    std::chrono::seconds timeout_;
    boost::asio::thread_pool workers_{4};  // a program run waits on its own thread, never on the event loop
};

// The blocking run, for one worker thread: the first line of its stdout (at most 4 KiB).
// With `watch` >= 0, the program is killed as soon as the peer on that socket
// hangs up. `timed_out`, if given, says whether it was killed at the timeout.
Result<std::string> run_command(const std::vector<std::string>& argv, const OutgoingMessage& message,
                                std::chrono::milliseconds timeout, int watch = -1, bool* timed_out = nullptr);

}  // namespace mfa::notify
