#include "http_provider.hpp"

#include <nlohmann/json.hpp>

namespace mfa::notify {
namespace {

namespace asio = boost::asio;

std::string fill(std::string value, const OutgoingMessage& message) {
    for (const auto& [key, with] : {std::pair<std::string, const std::string&>{"{phone}", message.destination},
                                    std::pair<std::string, const std::string&>{"{text}", message.text}})
        for (auto at = value.find(key); at != std::string::npos; at = value.find(key, at + with.size()))
            value.replace(at, key.size(), with);
    return value;
}

}  // namespace

std::string http_body(const daemon::Config::SmsHttp& config, const OutgoingMessage& message) {
    if (config.json) {
        nlohmann::json body = nlohmann::json::object();
        for (const auto& [name, value] : config.fields) body[name] = fill(value, message);
        return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::string body;
    for (const auto& [name, value] : config.fields)
        body += (body.empty() ? "" : "&") + form_escape(name) + "=" + form_escape(fill(value, message));
    return body;
}

HttpProvider::HttpProvider(daemon::Config::SmsHttp config, HttpsUrl url, std::string authorization,
                           std::chrono::seconds timeout, std::unique_ptr<HttpsClient> client)
    : config_(std::move(config)),
      url_(std::move(url)),
      authorization_(std::move(authorization)),
      timeout_(timeout),
      client_(std::move(client)) {}

Result<std::unique_ptr<HttpProvider>> HttpProvider::make(const daemon::Config::SmsHttp& config, std::chrono::seconds timeout) {
    auto url = parse_https_url(config.url);
    if (!url) return url.error();
    auto authorization = authorization_header(config.auth, config.username, config.credential);
    if (!authorization) return authorization.error();
    auto client = HttpsClient::make(config.ca_file, "sms.http");
    if (!client) return client.error();
    return std::unique_ptr<HttpProvider>(
        new HttpProvider(config, std::move(*url), std::move(*authorization), timeout, std::move(*client)));
}

asio::awaitable<Result<std::string>> HttpProvider::send(const OutgoingMessage& message) {
    HttpsRequest request{true, url_.target, config_.json ? "application/json" : "application/x-www-form-urlencoded",
                         http_body(config_, message)};
    auto reply = co_await client_->request(url_, std::move(request), authorization_, timeout_);
    if (!reply) co_return reply.error();
    if (reply->status < 200 || reply->status > 299)
        co_return make_error("the provider answered HTTP " + std::to_string(reply->status));
    if (config_.message_id.empty()) co_return std::string();
    auto json = nlohmann::json::parse(reply->body, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains(config_.message_id) ||
        !json[config_.message_id].is_string())
        co_return make_error("the provider's reply holds no message id (" + config_.message_id + ")");
    co_return clean_message_id(json[config_.message_id].get<std::string>());
}

}  // namespace mfa::notify
