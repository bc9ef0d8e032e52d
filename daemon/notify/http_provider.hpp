// The `http` provider: an HTTPS POST per message (Boost.Beast over OpenSSL),
// the certificate verified against the system CAs or ca_file and the host
// name checked; a form or JSON body from the configured fields ({phone} and
// {text} filled in); bearer or basic auth from a credential file. Any 2xx is
// sent; the JSON reply's `message_id` field names the message.
#pragma once

#include <chrono>

#include "config/config.hpp"
#include "notify/https_client.hpp"
#include "notify/provider.hpp"

namespace mfa::notify {

// The request body for `fields`, each value with {phone} and {text} filled in.
std::string http_body(const daemon::Config::SmsHttp& config, const OutgoingMessage& message);

class HttpProvider final : public Provider {
public:
    // Reads the credential and the CAs now, so a broken setup stops the start.
    static Result<std::unique_ptr<HttpProvider>> make(const daemon::Config::SmsHttp& config, std::chrono::seconds timeout);
    boost::asio::awaitable<Result<std::string>> send(const OutgoingMessage& message) override;

private:
    HttpProvider(daemon::Config::SmsHttp config, HttpsUrl url, std::string authorization, std::chrono::seconds timeout,
                 std::unique_ptr<HttpsClient> client);
    daemon::Config::SmsHttp config_;
    HttpsUrl url_;
    std::string authorization_;  // the Authorization header's value, or empty
    std::chrono::seconds timeout_;
    std::unique_ptr<HttpsClient> client_;
};

}  // namespace mfa::notify
