#include "recovery_email_commands.hpp"

#include <string.h>

#include "enroll_commands.hpp"
#include "mfa/email_address.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::cli {
namespace {

CommandResult done_output(const std::string& user, const std::string& message) {
    Output out;
    out.json = {{"user", user}, {"message", message}};
    out.text = printable(message) + "\n";
    return out;
}

}  // namespace

CommandResult run_recovery_email_set(const GlobalOptions& global, const RecoveryEmailOptions& options) {
    if (!valid_email_address(options.address))
        return make_error("--address: a plain address like user@example.com (no name, no spaces, no quotes)");
    auto user = user_or_self(options.user);
    if (!user) return user.error();
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto proof = proof_for_new_factor(*client, *user);
    if (!proof) return proof.error();
    wire::RecoveryEmailSet ask{*user, options.address, std::move(*proof)};
    auto request = wire::encode(ask, client->next_request_id());
    explicit_bzero(ask.code.data(), ask.code.size());
    auto done = call_and_decode(*client, request, wire::MessageType::done, wire::decode_done);
    if (!done) return done.error();
    return done_output(*user, done->message);
}

CommandResult run_recovery_email_confirm(const GlobalOptions& global, const RecoveryEmailOptions& options) {
    auto user = user_or_self(options.user);
    if (!user) return user.error();
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto request = wire::encode(wire::RecoveryEmailConfirm{*user, options.code}, client->next_request_id());
    auto done = call_and_decode(*client, request, wire::MessageType::done, wire::decode_done);
    if (!done) return done.error();
    return done_output(*user, done->message);
}

}  // namespace mfa::cli
