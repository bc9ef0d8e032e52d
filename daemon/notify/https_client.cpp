#include "notify/https_client.hpp"

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

#include "mfa/version.hpp"
#include "sys/credential.hpp"

namespace mfa::notify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr std::size_t kMaxReply = 64 * 1024;

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

Result<std::string> authorization_header(const std::string& auth, const std::string& username, const std::string& credential) {
    if (auth == "none") return std::string();
    auto secret = daemon::read_credential(credential);
    if (!secret) return secret.error();
    std::string header = auth == "bearer" ? "Bearer " + *secret : "Basic " + base64(username + ":" + *secret);
    OPENSSL_cleanse(secret->data(), secret->size());
    return header;
}

Result<std::unique_ptr<HttpsClient>> HttpsClient::make(const std::string& ca_file, const std::string& what) {
    std::unique_ptr<HttpsClient> client(new HttpsClient());
    boost::system::error_code ec;
    client->tls_.set_verify_mode(asio::ssl::verify_peer, ec);
    if (!ec) {
        if (ca_file.empty())
            client->tls_.set_default_verify_paths(ec);
        else
            client->tls_.load_verify_file(ca_file, ec);
    }
    if (ec) return make_error(what + ": the certificate authorities: " + ec.message());
    SSL_CTX_set_min_proto_version(client->tls_.native_handle(), TLS1_2_VERSION);
    return client;
}

asio::awaitable<Result<HttpsReply>> HttpsClient::request(const HttpsUrl& url, HttpsRequest request,
                                                         const std::string& authorization, std::chrono::seconds timeout) {
    auto executor = co_await asio::this_coro::executor;
    boost::system::error_code ec;
    asio::ip::tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(url.host, url.port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error(failure("resolve", ec));

    beast::ssl_stream<beast::tcp_stream> stream(executor, tls_);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()))
        co_return make_error("TLS: cannot set the server name");
    stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
    // One deadline for the whole exchange: a hung provider costs one timeout.
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error(failure("connect", ec));
    co_await stream.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error(failure("TLS handshake", ec));

    http::request<http::string_body> out{request.post ? http::verb::post : http::verb::get, request.target, 11};
    out.set(http::field::host, url.host);
    out.set(http::field::user_agent, std::string("mfad-notify/") + kVersion);
    if (request.post) out.set(http::field::content_type, request.content_type);
    out.set(http::field::accept, "application/json");
    if (!authorization.empty()) out.set(http::field::authorization, authorization);
    out.body() = std::move(request.body);
    out.prepare_payload();
    co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
    OPENSSL_cleanse(out.body().data(), out.body().size());
    if (ec) co_return make_error(failure("send", ec));

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxReply);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return make_error(failure("reply", ec));
    beast::get_lowest_layer(stream).close();
    co_return HttpsReply{static_cast<int>(parser.get().result_int()), std::move(parser.get().body())};
}

}  // namespace mfa::notify
