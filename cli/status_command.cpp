#include "status_command.hpp"

#include <algorithm>

#include "mfa/utc_time.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::cli {
namespace {

nlohmann::json time_or_null(std::uint64_t unix_seconds) {
    if (unix_seconds == 0) return nullptr;
    return utc_time(static_cast<std::int64_t>(unix_seconds));
}

std::string shown(const nlohmann::json& value, const char* none) {
    return value.is_null() ? none : value.get<std::string>();
}

}  // namespace

CommandResult run_status(const GlobalOptions& global, const std::string& user_option) {
    auto user = user_option.empty() ? invoking_user() : Result<std::string>(user_option);
    if (!user) return user.error();
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto request = wire::encode(wire::MessageType::user_status, wire::UserRequest{*user}, client->next_request_id());
    auto status =
        call_and_decode(*client, request, wire::MessageType::user_status_reply, wire::decode_user_status_reply);
    if (!status) return status.error();

    nlohmann::json factors = nlohmann::json::array();
    for (std::size_t at = 0; at < status->factors.size();) {
        auto end = std::min(status->factors.find(',', at), status->factors.size());
        factors.push_back(status->factors.substr(at, end - at));
        at = end + 1;
    }
    Output out;
    out.json = {{"user", status->user},
                {"factors", factors},
                {"enrolled_at", time_or_null(status->enrolled_at)},
                {"last_verified_at", time_or_null(status->last_verified_at)},
                {"failures", status->failures},
                {"locked_until", time_or_null(status->locked_until)},
                {"backup_codes_remaining", status->backup_remaining},
                {"mfa_disabled_until", time_or_null(status->disabled_until)},
                {"recovery_email", status->recovery_email.empty() ? nlohmann::json(nullptr) : nlohmann::json(status->recovery_email)}};
    out.text = "user:             " + status->user +
               "\nfactors:          " + (status->factors.empty() ? std::string("none (not enrolled)") : status->factors) +
               "\nenrolled at:      " + shown(out.json["enrolled_at"], "never") +
               "\nlast verified at: " + shown(out.json["last_verified_at"], "never") +
               "\nfailures:         " + std::to_string(status->failures) +
               "\nlocked until:     " + shown(out.json["locked_until"], "not locked") +
               "\nbackup codes:     " + std::to_string(status->backup_remaining) + " left" +
               "\nrecovery email:   " + (status->recovery_email.empty() ? std::string("none") : printable(status->recovery_email)) +
               (status->disabled_until == 0 ? std::string()
                                            : "\nMFA disabled:     until " + shown(out.json["mfa_disabled_until"], "") +
                                                  " (by the help desk; ends when the user enrolls)") +
               "\n";
    return out;
}

}  // namespace mfa::cli
