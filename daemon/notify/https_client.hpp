// One HTTPS request at a time (Boost.Beast over OpenSSL): the certificate
// verified against the system CAs or a CA file, the host name checked, TLS
// 1.2 or newer, one deadline for the whole exchange, and a capped reply.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "mfa/result.hpp"

namespace mfa::notify {

struct HttpsUrl {
    std::string host;
    std::string port = "443";
    std::string target = "/";
};

// https://host[:port][/path[?query]]; anything else is refused.
Result<HttpsUrl> parse_https_url(const std::string& url);

struct HttpsRequest {
    bool post = true;  // else GET
    std::string target;
    std::string content_type;  // POST only
    std::string body;          // wiped after it is sent
};

struct HttpsReply {
    int status = 0;
    std::string body;
};

class HttpsClient {
public:
    // Reads the CAs now, so a broken setup stops the start. `what` names the config section in errors.
    static Result<std::unique_ptr<HttpsClient>> make(const std::string& ca_file, const std::string& what);
    // Any HTTP status is a reply; only a failure to get one is an error.
    boost::asio::awaitable<Result<HttpsReply>> request(const HttpsUrl& url, HttpsRequest request,
                                                       const std::string& authorization, std::chrono::seconds timeout);

private:
    HttpsClient() = default;
    boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_client};
};

// The Authorization header's value for `auth` (none | bearer | basic) with
// the secret read from `credential`; empty for none.
Result<std::string> authorization_header(const std::string& auth, const std::string& username, const std::string& credential);

// application/x-www-form-urlencoded escaping of one name or value.
std::string form_escape(const std::string& value);

}  // namespace mfa::notify
