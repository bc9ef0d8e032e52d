#include "http_provider.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include "credential.hpp"
#include "mfa/version.hpp"

namespace mfa::notify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr std::size_t kMaxReply = 64 * 1024;

std::string fill(std::string value, const OutgoingMessage& message) {
    for (const auto& [key, with] : {std::pair<std::string, const std::string&>{"{phone}", message.destination},
                                    std::pair<std::string, const std::string&>{"{text}", message.text}})
        for (auto at = value.find(key); at != std::string::npos; at = value.find(key, at + with.size()))
            value.replace(at, key.size(), with);
    return value;
}

std::string form_escape(const std::string& value) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string base64(const std::string& raw) {
    std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string failure(const char* step, const boost::system::error_code& ec) {
    return std::string(step) + ": " + ec.message();
}

}  // namespace

Result<HttpsUrl> parse_https_url(const std::string& url) {
    constexpr std::string_view scheme = "https://";
    if (url.rfind(scheme, 0) != 0) return make_error("the URL must start with https://");
    std::string rest = url.substr(scheme.size());
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    HttpsUrl out;
    if (slash != std::string::npos) out.target = rest.substr(slash);
    if (authority.empty() || authority.find('@') != std::string::npos) return make_error("the URL has no usable host");
    auto colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
        out.port = authority.substr(colon + 1);
        authority = authority.substr(0, colon);
        if (out.port.empty() || out.port.size() > 5 ||
            !std::all_of(out.port.begin(), out.port.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return make_error("the URL's port is not a number");
    }
    if (authority.size() > 2 && authority.front() == '[' && authority.back() == ']')
        authority = authority.substr(1, authority.size() - 2);
    out.host = authority;
    for (char c : out.target + out.host)
        if (static_cast<unsigned char>(c) <= ' ' || c == 127) return make_error("the URL holds spaces or control characters");
    return out;
}

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
                           std::chrono::seconds timeout)
    : config_(std::move(config)), url_(std::move(url)), authorization_(std::move(authorization)), timeout_(timeout) {}

Result<std::unique_ptr<HttpProvider>> HttpProvider::make(const daemon::Config::SmsHttp& config, std::chrono::seconds timeout) {
    auto url = parse_https_url(config.url);
    if (!url) return url.error();
    std::string authorization;
    if (config.auth != "none") {
        auto secret = read_credential(config.credential);
        if (!secret) return secret.error();
        authorization = config.auth == "bearer" ? "Bearer " + *secret : "Basic " + base64(config.username + ":" + *secret);
        OPENSSL_cleanse(secret->data(), secret->size());
    }
    std::unique_ptr<HttpProvider> provider(new HttpProvider(config, std::move(*url), std::move(authorization), timeout));
    boost::system::error_code ec;
    provider->tls_.set_verify_mode(asio::ssl::verify_peer, ec);
    if (!ec) {
        if (config.ca_file.empty())
            provider->tls_.set_default_verify_paths(ec);
        else
            provider->tls_.load_verify_file(config.ca_file, ec);
    }
    if (ec) return make_error("sms.http: the certificate authorities: " + ec.message());
    SSL_CTX_set_min_proto_version(provider->tls_.native_handle(), TLS1_2_VERSION);
    return provider;
}

asio::awaitable<Result<std::string>> HttpProvider::send(const OutgoingMessage& message) {
    auto executor = co_await asio::this_coro::executor;
    boost::system::error_code ec;
    asio::ip::tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(url_.host, url_.port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error(failure("resolve", ec));

    beast::ssl_stream<beast::tcp_stream> stream(executor, tls_);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str()))
        co_return make_error("TLS: cannot set the server name");
    stream.set_verify_callback(asio::ssl::host_name_verification(url_.host));
    // One deadline for the whole exchange: a hung provider costs one timeout.
    beast::get_lowest_layer(stream).expires_after(timeout_);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error(failure("connect", ec));
    co_await stream.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error(failure("TLS handshake", ec));

    http::request<http::string_body> request{http::verb::post, url_.target, 11};
    request.set(http::field::host, url_.host);
    request.set(http::field::user_agent, std::string("mfad-notify/") + kVersion);
    request.set(http::field::content_type, config_.json ? "application/json" : "application/x-www-form-urlencoded");
    request.set(http::field::accept, "application/json");
    if (!authorization_.empty()) request.set(http::field::authorization, authorization_);
    request.body() = http_body(config_, message);
    request.prepare_payload();
    co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    OPENSSL_cleanse(request.body().data(), request.body().size());
    if (ec) co_return make_error(failure("send", ec));

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxReply);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error(failure("reply", ec));
    beast::get_lowest_layer(stream).close();
    const auto& reply = parser.get();
    if (reply.result_int() < 200 || reply.result_int() > 299)
        co_return make_error("the provider answered HTTP " + std::to_string(reply.result_int()));
    if (config_.message_id.empty()) co_return std::string();
    auto json = nlohmann::json::parse(reply.body(), nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains(config_.message_id) ||
        !json[config_.message_id].is_string())
        co_return make_error("the provider's reply holds no message id (" + config_.message_id + ")");
    co_return clean_message_id(json[config_.message_id].get<std::string>());
}

}  // namespace mfa::notify
