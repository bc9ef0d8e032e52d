#include "login_client.hpp"

#include <barrier>
#include <thread>

namespace mfa::test {

LoginClient::LoginClient(const std::string& socket, std::chrono::milliseconds timeout) {
    auto client = wire::Client::connect({socket, timeout, {0}});
    if (client)
        client_.emplace(std::move(*client));
    else
        error_ = client.error().message;
}

std::optional<wire::MessageType> LoginClient::begin(const std::string& user, std::uint32_t tries) {
    return send_begin(wire::Begin{user, "test", "192.0.2.7", "pts/1", tries, ""});
}

std::optional<wire::MessageType> LoginClient::begin_from(const std::string& user, const std::string& service,
                                                         const std::string& rhost) {
    return send_begin(wire::Begin{user, service, rhost, "pts/1", wire::kMaxTries, ""});
}

std::optional<wire::MessageType> LoginClient::send_begin(const wire::Begin& begin) {
    if (!client_) return std::nullopt;
    auto frame = wire::encode(begin, client_->next_request_id());
    auto reply = client_->call(frame);
    if (reply && reply->type() == wire::MessageType::step) session_ = wire::decode_step(*reply->fields())->session;
    return record(reply);
}

std::optional<wire::MessageType> LoginClient::answer(const std::string& code) {
    if (!client_) return std::nullopt;
    auto frame = wire::encode(wire::Answer{session_, code}, client_->next_request_id());
    return record(client_->call(frame));
}

std::optional<wire::MessageType> LoginClient::record(const Result<wire::Reply>& reply) {
    message_.clear();
    info_.clear();
    prompt_.clear();
    if (!reply) {
        error_ = reply.error().message;
        return std::nullopt;
    }
    auto type = reply->type();
    if (type == wire::MessageType::allow || type == wire::MessageType::exempt)
        message_ = wire::decode_done(*reply->fields())->message;
    if (type == wire::MessageType::deny) message_ = wire::decode_deny(*reply->fields())->message;
    if (type == wire::MessageType::step) {
        auto step = wire::decode_step(*reply->fields());
        message_ = step->errors;
        info_ = step->info;
        prompt_ = step->prompt;
    }
    return type;
}

RaceResult race_one_code(const std::string& socket, const std::string& user, const std::string& code) {
    return race_one_code(socket, user, [&code] { return code; });
}

RaceResult race_one_code(const std::string& socket, const std::string& user, const std::function<std::string()>& code_now) {
    LoginClient a(socket), b(socket);
    if (a.begin(user) != wire::MessageType::step || b.begin(user) != wire::MessageType::step) return {};
    std::string code = code_now();
    std::barrier start(2);
    std::optional<wire::MessageType> ra, rb;
    std::thread ta([&] { start.arrive_and_wait(); ra = a.answer(code); });
    std::thread tb([&] { start.arrive_and_wait(); rb = b.answer(code); });
    ta.join();
    tb.join();
    // The loser's code was a replay: "wrong code, try again", a new step.
    return {(ra == wire::MessageType::allow) + (rb == wire::MessageType::allow),
            (ra == wire::MessageType::step) + (rb == wire::MessageType::step)};
}

}  // namespace mfa::test
