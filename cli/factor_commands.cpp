#include "factor_commands.hpp"

#include <string.h>

#include "code_input.hpp"
#include "mfa/utc_time.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/factor_messages.hpp"

namespace mfa::cli {
namespace {

std::string when(std::uint64_t unix_seconds) {
    return unix_seconds == 0 ? "never" : utc_time(static_cast<std::int64_t>(unix_seconds));
}

nlohmann::json when_json(std::uint64_t unix_seconds) {
    if (unix_seconds == 0) return nullptr;
    return utc_time(static_cast<std::int64_t>(unix_seconds));
}

std::string padded(std::string text, std::size_t width) {
    if (text.size() < width) text.append(width - text.size(), ' ');
    return text;
}

CommandResult change(const GlobalOptions& global, wire::FactorChangeRequest request) {
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto frame = wire::encode(request, client->next_request_id());
    explicit_bzero(request.code.data(), request.code.size());
    auto done = call_and_decode(*client, frame, wire::MessageType::done, wire::decode_done);
    if (!done) return done.error();
    Output out;
    out.json = {{"user", request.user}, {"factor", request.name}, {"action", request.action}, {"ok", true}};
    out.text = printable(done->message) + "\n";
    return out;
}

}  // namespace

CommandResult run_factors_list(const GlobalOptions& global, const std::string& user_option) {
    auto user = user_or_self(user_option);
    if (!user) return user.error();
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto request = wire::encode(wire::MessageType::factors_list, wire::UserRequest{*user}, client->next_request_id());
    auto reply = call_and_decode(*client, request, wire::MessageType::factors_reply, wire::decode_factors_reply);
    if (!reply) return reply.error();

    Output out;
    out.json = {{"user", reply->user}, {"factors", nlohmann::json::array()}};
    out.text = reply->factors.empty() ? "No factors: " + printable(reply->user) + " is not enrolled.\n"
                                      : padded("NAME", 14) + padded("KIND", 14) + padded("STATE", 9) + padded("CREATED", 22) +
                                            padded("LAST USED", 22) + "DESCRIPTION\n";
    for (const auto& f : reply->factors) {
        out.json["factors"].push_back({{"name", f.name},
                                       {"kind", f.kind},
                                       {"state", f.state},
                                       {"primary", f.primary},
                                       {"created_at", when_json(f.created_at)},
                                       {"last_used_at", when_json(f.last_used_at)},
                                       {"description", f.description}});
        out.text += padded(printable(f.name) + (f.primary ? "*" : ""), 14) + padded(printable(f.kind), 14) +
                    padded(printable(f.state), 9) + padded(when(f.created_at), 22) + padded(when(f.last_used_at), 22) +
                    printable(f.description) + "\n";
    }
    if (!reply->factors.empty()) out.text += "(* the primary: the login menu's default)\n";
    out.json["recovery_email"] = reply->recovery_email.empty() ? nlohmann::json(nullptr) : nlohmann::json(reply->recovery_email);
    if (!reply->recovery_email.empty()) out.text += "Recovery email: " + printable(reply->recovery_email) + "\n";
    return out;
}

CommandResult run_factor_primary(const GlobalOptions& global, const FactorChangeOptions& options) {
    auto user = user_or_self(options.user);
    if (!user) return user.error();
    return change(global, wire::FactorChangeRequest{*user, "primary", options.name, "", ""});
}

CommandResult run_factor_remove(const GlobalOptions& global, const FactorChangeOptions& options) {
    auto user = user_or_self(options.user);
    if (!user) return user.error();
    wire::FactorChangeRequest request{*user, "remove", options.name, "", options.reason};
    // Only a user's own removal takes a code; an administrator gives a reason instead.
    if (acting_on_own_account(*user)) {
        auto code = read_code("A current code from another of your factors (an authenticator app or a backup code): ");
        if (!code) return code.error();
        request.code = std::move(*code);
    }
    return change(global, std::move(request));
}

}  // namespace mfa::cli
