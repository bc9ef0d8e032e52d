#include "notify/push_http_provider.hpp"

#include <time.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "notify/push_command_provider.hpp"

namespace mfa::notify {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kPollTimeout{10};

// A provider's id goes into the poll URL and the audit row: a URL-safe word.
bool usable_id(const std::string& id) {
    return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
}

std::string iso8601(std::int64_t unix_seconds) {
    time_t t = static_cast<time_t>(unix_seconds);
    tm utc{};
    gmtime_r(&t, &utc);
    char out[32];
    strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return out;
}

// ENTITY_IDENTITY/FACTOR_SID.
std::pair<std::string, std::string> twilio_device(const std::string& device) {
    auto slash = device.find('/');
    if (slash == std::string::npos) return {};
    return {device.substr(0, slash), device.substr(slash + 1)};
}

}  // namespace

Result<std::unique_ptr<PushHttpProvider>> PushHttpProvider::make(const daemon::Config::PushHttp& config,
                                                                 std::chrono::seconds create_timeout) {
    auto url = parse_https_url(config.url);
    if (!url) return make_error("push.http.url: " + url.error().message);
    while (url->target.size() > 1 && url->target.back() == '/') url->target.pop_back();
    auto authorization = authorization_header(config.auth, config.username, config.credential);
    if (!authorization) return authorization.error();
    auto client = HttpsClient::make(config.ca_file, "push.http");
    if (!client) return client.error();
    return std::unique_ptr<PushHttpProvider>(new PushHttpProvider(config.preset == "twilio-verify", std::move(*url),
                                                                  std::move(*authorization), std::move(*client),
                                                                  create_timeout));
}

Result<HttpsRequest> PushHttpProvider::create_request(const PushChallenge& c) const {
    if (!twilio_) return HttpsRequest{true, url_.target, "application/json", push_challenge_json(c)};
    auto [identity, factor] = twilio_device(c.device);
    if (identity.empty() || factor.empty()) return make_error("a twilio-verify device id is ENTITY_IDENTITY/FACTOR_SID");
    auto field = [](const std::string& label, const std::string& value) {
        return nlohmann::json{{"label", label}, {"value", value}}.dump();
    };
    // The number is a hidden detail: the app offers choices (or asks for it);
    // shown outright, it would be approved by reflex.
    nlohmann::json hidden = {{"correlation", std::to_string(c.correlation)}, {"number", std::to_string(c.number)}};
    std::string body = "FactorSid=" + form_escape(factor) + "&Details.Message=" + form_escape(c.text) +
                       "&Details.Fields=" + form_escape(field("Host", c.host)) +
                       "&Details.Fields=" + form_escape(field("From", c.rhost.empty() ? "this host" : c.rhost)) +
                       "&HiddenDetails=" + form_escape(hidden.dump()) +
                       "&ExpirationDate=" + form_escape(iso8601(c.time + c.timeout.count()));
    return HttpsRequest{true, url_.target + "/Entities/" + identity + "/Challenges", "application/x-www-form-urlencoded",
                        std::move(body)};
}

std::string PushHttpProvider::poll_target(const PushChallenge& c, const std::string& id) const {
    if (!twilio_) return url_.target + "/" + id;
    return url_.target + "/Entities/" + twilio_device(c.device).first + "/Challenges/" + id;
}

Result<std::optional<PushAnswer>> PushHttpProvider::read_poll(const std::string& body) const {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("status") || !json["status"].is_string())
        return make_error("the provider's reply holds no status");
    std::string status = json["status"].get<std::string>();
    if (status == "pending") return std::optional<PushAnswer>();
    std::string line = status;
    if (!twilio_ && status == "approved" && json.contains("number")) {
        // A number that is there but is not one is no answer, never "no number given".
        if (!json["number"].is_number_integer()) return make_error("the provider's picked number is not a number");
        line += " " + std::to_string(json["number"].get<long long>());
    }
    if (!twilio_ && status == "denied" && json.value("reason", nlohmann::json()).is_string() &&
        json["reason"].get<std::string>() == "not-me")
        line += " not-me";
    auto answer = parse_push_answer(line);
    if (!answer) return answer.error();
    return std::optional<PushAnswer>(std::move(*answer));
}

asio::awaitable<Result<PushAnswer>> PushHttpProvider::push(const PushChallenge& challenge, const PushProgress& progress) {
    auto deadline = Clock::now() + challenge.timeout;
    auto create = create_request(challenge);
    if (!create) co_return create.error();
    auto made = co_await client_->request(url_, std::move(*create), authorization_, create_timeout_);
    if (!made) co_return made.error();
    if (made->status < 200 || made->status > 299)
        co_return make_error("the provider answered HTTP " + std::to_string(made->status) + " to the new challenge");
    auto json = nlohmann::json::parse(made->body, nullptr, false);
    const char* id_field = twilio_ ? "sid" : "id";
    if (json.is_discarded() || !json.is_object() || !json.contains(id_field) || !json[id_field].is_string() ||
        !usable_id(json[id_field].get<std::string>()))
        co_return make_error(std::string("the provider's reply holds no usable challenge id (") + id_field + ")");
    std::string id = json[id_field].get<std::string>();
    if (!co_await progress.created(id)) co_return make_error("mfad stopped waiting");

    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer pause(executor);
    std::chrono::milliseconds interval{0};
    while (Clock::now() < deadline) {
        interval = next_poll_interval(interval);
        pause.expires_at(std::min(Clock::now() + interval, deadline));
        boost::system::error_code ec;
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (!progress.wanted()) co_return make_error("mfad stopped waiting");
        HttpsRequest poll{false, poll_target(challenge, id), "", ""};
        auto reply = co_await client_->request(url_, std::move(poll), authorization_, kPollTimeout);
        // A failed poll is tried again until the deadline: the challenge is still on the phone.
        if (!reply || reply->status >= 500 || reply->status == 429) continue;
        if (reply->status < 200 || reply->status > 299)
            co_return make_error("the provider answered HTTP " + std::to_string(reply->status) + " to a poll");
        auto answer = read_poll(reply->body);
        if (!answer) co_return answer.error();
        if (*answer) co_return std::move(**answer);
    }
    co_return PushAnswer{"expired", 0, false};
}

}  // namespace mfa::notify
