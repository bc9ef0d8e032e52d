#include "enroll_commands.hpp"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "mfa/wire/factor_messages.hpp"
#include "code_input.hpp"
#include "mfa/utf8.hpp"
#include "qr_png.hpp"

namespace mfa::cli {

Result<std::string> proof_for_new_factor(wire::Client& client, const std::string& user) {
    if (!acting_on_own_account(user)) return std::string();
    auto request = wire::encode(wire::MessageType::factors_list, wire::UserRequest{user}, client.next_request_id());
    auto list = call_and_decode(client, request, wire::MessageType::factors_reply, wire::decode_factors_reply);
    if (!list) return list.error();
    bool enrolled = std::any_of(list->factors.begin(), list->factors.end(), [](const wire::FactorInfo& f) {
        return f.state == "active" && f.kind != "backup_codes";
    });
    if (!enrolled) return std::string();
    return read_code("A current code from one of your factors (an authenticator app or a backup code): ");
}

CommandResult run_enroll_totp(const GlobalOptions& global, const EnrollTotpOptions& options) {
    auto user = user_or_self(options.user);
    if (!user) return user.error();
    // Refuse before asking the daemon: a new request replaces the pending
    // secret, and a PNG that cannot be written would lose it.
    struct stat st{};
    if (!options.qr_png.empty() && lstat(options.qr_png.c_str(), &st) == 0)
        return make_error(options.qr_png + ": already exists; not overwriting it");
    if (!options.qr_png.empty()) {
        auto slash = options.qr_png.rfind('/');
        std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : options.qr_png.substr(0, slash);
        if (access(dir.c_str(), W_OK | X_OK) != 0)
            return make_error(options.qr_png + ": cannot create it in " + dir + " (" + strerror(errno) + ")");
    }
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto proof = proof_for_new_factor(*client, *user);
    if (!proof) return proof.error();
    auto request = wire::encode(wire::EnrollStart{*user, "totp", options.name, "", *proof}, client->next_request_id());
    explicit_bzero(proof->data(), proof->size());
    auto secret = call_and_decode(*client, request, wire::MessageType::enroll_secret, wire::decode_enroll_secret);
    if (!secret) return secret.error();

    auto qr = make_qr(secret->uri);
    if (!qr) return qr.error();
    if (!options.qr_png.empty())
        if (auto written = write_png(*qr, options.qr_png); !written) return written.error();

    Output out;
    out.json = {{"user", secret->user}, {"secret", secret->secret}, {"otpauth_uri", secret->uri}};
    if (!options.qr_png.empty()) out.json["qr_png"] = options.qr_png;
    out.text = "Scan this code with an authenticator app (or type the secret):\n\n" + render_terminal(*qr) +
               "\nSecret: " + secret->secret + "\nURI:    " + secret->uri + "\n" +
               (options.qr_png.empty() ? "" : "PNG:    " + options.qr_png + " (delete it once scanned)\n") +
               "\nThen confirm within 10 minutes:  mfactl enroll confirm" +
               (options.name.empty() ? "" : " --factor " + options.name) + (options.user.empty() ? "" : " --user " + *user) +
               "\n";
    return out;
}

namespace {

// push.timeout may be up to 300 s; mfad answers within it and 30 s more.
constexpr std::chrono::milliseconds kPushAnswerWait{340000};

// ENROLL_START for a kind that sends something to `destination` (a text, a
// push): mfad's DONE says what went out. The connection stays open for what follows.
struct Started {
    wire::Client client;
    std::string user;
    std::string message;
};

Result<Started> start_sending_enrollment(const GlobalOptions& global, const std::string& user_option,
                                         const std::string& kind, const std::string& name, const std::string& destination) {
    auto user = user_or_self(user_option);
    if (!user) return user.error();
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto proof = proof_for_new_factor(*client, *user);
    if (!proof) return proof.error();
    auto request = wire::encode(wire::EnrollStart{*user, kind, name, destination, *proof}, client->next_request_id());
    explicit_bzero(proof->data(), proof->size());
    auto done = call_and_decode(*client, request, wire::MessageType::done, wire::decode_done);
    if (!done) return done.error();
    return Started{std::move(*client), std::move(*user), std::move(done->message)};
}

}  // namespace

CommandResult run_enroll_sms(const GlobalOptions& global, const EnrollSmsOptions& options) {
    auto started = start_sending_enrollment(global, options.user, "sms", options.name, options.phone);
    if (!started) return started.error();
    Output out;
    out.json = {{"user", started->user}, {"sent", true}, {"message", started->message}};
    out.text = printable(started->message) + "\n";
    return out;
}

CommandResult run_enroll_push(const GlobalOptions& global, const EnrollPushOptions& options) {
    auto started = start_sending_enrollment(global, options.user, "push", options.name, options.device);
    if (!started) return started.error();
    // Shown now: the person needs the number while this waits.
    std::fprintf(global.json ? stderr : stdout, "%s\nWaiting for the answer...\n", printable(started->message).c_str());
    std::fflush(nullptr);
    auto& client = started->client;
    client.set_timeout(kPushAnswerWait);
    auto confirm = wire::encode(wire::EnrollConfirm{started->user, "", options.name}, client.next_request_id());
    auto done = call_and_decode(client, confirm, wire::MessageType::done, wire::decode_done);
    if (!done) return done.error();
    Output out;
    out.json = {{"user", started->user}, {"enabled", true}, {"message", done->message}};
    out.text = printable(done->message) + "\n";
    return out;
}

CommandResult run_enroll_confirm(const GlobalOptions& global, const EnrollConfirmOptions& options) {
    auto user = user_or_self(options.user);
    if (!user) return user.error();
    auto code = options.code.empty() ? read_code("Code: ") : Result<std::string>(options.code);
    if (!code) return code.error();
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto request = wire::encode(wire::EnrollConfirm{*user, *code, options.factor}, client->next_request_id());
    auto done = call_and_decode(*client, request, wire::MessageType::done, wire::decode_done);
    if (!done) return done.error();
    Output out;
    out.json = {{"user", *user}, {"enabled", true}};
    out.text = printable(done->message) + "\n";
    return out;
}

CommandResult run_backup_codes_generate(const GlobalOptions& global, const std::string& user_option) {
    auto user = user_or_self(user_option);
    if (!user) return user.error();
    wire::BackupCodesRequest ask{*user, ""};
    // Only a user's own set takes a code; for anyone else mfad decides (root alone may).
    if (acting_on_own_account(*user)) {
        auto code = read_code("Current code from your authenticator app: ");
        if (!code) return code.error();
        ask.code = std::move(*code);
    }
    auto client = connect_daemon(global);
    if (!client) return client.error();
    auto request = wire::encode(ask, client->next_request_id());
    auto set = call_and_decode(*client, request, wire::MessageType::backup_codes, wire::decode_backup_codes);
    if (!set) return set.error();
    Output out;
    out.json = {{"user", set->user}, {"codes", set->codes}};
    out.text = "Backup codes for " + set->user + ". They are shown only now; each works once, in place of a code\n" +
               "from the app. Any earlier set no longer works.\n\n";
    for (const auto& code : set->codes) out.text += "    " + code + "\n";
    out.text += "\nKeep them somewhere safe, apart from your phone.\n";
    return out;
}

}  // namespace mfa::cli
