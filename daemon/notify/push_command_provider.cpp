#include "notify/push_command_provider.hpp"

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "notify/command_provider.hpp"

namespace mfa::notify {

std::string push_challenge_json(const PushChallenge& c) {
    nlohmann::json json = {{"device", c.device},   {"message", c.text}, {"number", c.number},
                           {"user", c.user},       {"host", c.host},    {"service", c.service},
                           {"rhost", c.rhost},     {"time", c.time},    {"expires_in", c.timeout.count()},
                           {"correlation", std::to_string(c.correlation)}};
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

boost::asio::awaitable<Result<PushAnswer>> PushCommandProvider::push(const PushChallenge& challenge,
                                                                     const PushProgress& progress) {
    // The program is the provider: its run is the challenge, named by mfad's correlation.
    std::string id = "run-" + std::to_string(challenge.correlation);
    if (!co_await progress.created(id)) co_return make_error("mfad stopped waiting");
    OutgoingMessage input{"", push_challenge_json(challenge)};
    // optional: co_spawn's result must be default-constructible, and a Result is not.
    int watch = progress.peer_fd;
    bool timed_out = false;  // written on the worker, read here after the co_await
    auto run = [this, &input, &challenge, watch, &timed_out]() -> boost::asio::awaitable<std::optional<Result<std::string>>> {
        co_return run_command(argv_, input, challenge.timeout, watch, &timed_out);
    };
    auto line = co_await boost::asio::co_spawn(workers_, run, boost::asio::use_awaitable);
    if (!*line) {
        // Killed at push.timeout: nobody answered in time.
        if (timed_out) co_return PushAnswer{"expired", 0, false};
        co_return line->error();
    }
    co_return parse_push_answer(**line);
}

}  // namespace mfa::notify
