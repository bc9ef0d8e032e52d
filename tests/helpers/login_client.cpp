#include "login_client.hpp"

namespace mfa::test {

LoginClient::LoginClient(const std::string& socket) {
    auto client = wire::Client::connect({socket, std::chrono::seconds(10), {0}});
    if (client)
        client_.emplace(std::move(*client));
    else
        error_ = client.error().message;
}

std::optional<wire::MessageType> LoginClient::begin(const std::string& user) {
    if (!client_) return std::nullopt;
    auto frame = wire::encode(wire::Begin{user, "test", "192.0.2.7", "pts/1"}, client_->next_request_id());
    auto reply = client_->call(frame);
    if (reply && reply->type() == wire::MessageType::challenge) session_ = wire::decode_challenge(*reply->fields())->session;
    return record(reply);
}

std::optional<wire::MessageType> LoginClient::answer(const std::string& code) {
    if (!client_) return std::nullopt;
    auto frame = wire::encode(wire::Answer{session_, code}, client_->next_request_id());
    return record(client_->call(frame));
}

std::optional<wire::MessageType> LoginClient::record(const Result<wire::Reply>& reply) {
    message_.clear();
    if (!reply) {
        error_ = reply.error().message;
        return std::nullopt;
    }
    auto type = reply->type();
    if (type == wire::MessageType::allow || type == wire::MessageType::deny || type == wire::MessageType::exempt)
        message_ = wire::decode_done(*reply->fields())->message;
    return type;
}

}  // namespace mfa::test
