// The `http` push provider: create a challenge, then poll it, backing off,
// until it is answered or push.timeout passes. Two dialects:
//  - mfad's JSON API: POST url {device, message, number, ...} -> {"id"};
//    GET url/ID -> {"status", "number", "reason"} ("reason": "not-me").
//  - twilio-verify: Verify Push challenges. The device id is
//    ENTITY_IDENTITY/FACTOR_SID; the number goes in the hidden details, for
//    the app to offer as a choice (Twilio returns no picked number and no "not me").
#pragma once

#include <chrono>
#include <memory>

#include "config/config.hpp"
#include "notify/https_client.hpp"
#include "notify/push_provider.hpp"

namespace mfa::notify {

class PushHttpProvider final : public PushProvider {
public:
    // Reads the credential and the CAs now, so a broken setup stops the start.
    // `create_timeout`: the new challenge's request, which a login waits on (under notify.timeout).
    static Result<std::unique_ptr<PushHttpProvider>> make(const daemon::Config::PushHttp& config,
                                                          std::chrono::seconds create_timeout);
    boost::asio::awaitable<Result<PushAnswer>> push(const PushChallenge& challenge, const PushProgress& progress) override;
    bool reports_number() const override { return !twilio_; }

private:
    PushHttpProvider(bool twilio, HttpsUrl url, std::string authorization, std::unique_ptr<HttpsClient> client,
                     std::chrono::seconds create_timeout)
        : twilio_(twilio),
          url_(std::move(url)),
          authorization_(std::move(authorization)),
          client_(std::move(client)),
          create_timeout_(create_timeout) {}
    // The create request, and the poll target for a challenge id.
    Result<HttpsRequest> create_request(const PushChallenge& challenge) const;
    std::string poll_target(const PushChallenge& challenge, const std::string& id) const;
    // The answer in a poll's reply; nullopt while it is pending.
    Result<std::optional<PushAnswer>> read_poll(const std::string& body) const;

    bool twilio_;
    HttpsUrl url_;
    std::string authorization_;
    std::unique_ptr<HttpsClient> client_;
    std::chrono::seconds create_timeout_;
};

}  // namespace mfa::notify
