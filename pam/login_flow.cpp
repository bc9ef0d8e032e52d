#include "login_flow.hpp"

#include <security/pam_ext.h>
#include <string.h>
#include <syslog.h>

#include <ctime>

#include "conversation.hpp"
#include "mfa/wire/client.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::pam {
namespace {

// The daemon is down, hung or talking nonsense: deny (secure) or step aside (open).
int unavailable(pam_handle_t* pamh, const ModuleArgs& args, Conversation& conv, const std::string& reason) {
    if (args.fail_mode == FailMode::open) {
        pam_syslog(pamh, LOG_WARNING, "mfad unavailable (%s); fail_mode=open lets this login through", reason.c_str());
        return PAM_IGNORE;
    }
    pam_syslog(pamh, LOG_ERR, "mfad unavailable (%s); denying the login", reason.c_str());
    conv.error("The second-factor service is unavailable; the login is denied.");
    return PAM_AUTHINFO_UNAVAIL;
}

std::string lock_message(std::uint64_t until) {
    auto now = static_cast<std::uint64_t>(std::time(nullptr));
    std::uint64_t left = until > now ? until - now : 0;
    std::uint64_t minutes = (left + 59) / 60;
    return "Too many failed codes: this account is locked for " +
           (left < 60 ? std::to_string(left) + " seconds" : std::to_string(minutes) + " minutes") + ".";
}

std::string item(pam_handle_t* pamh, int type) {
    const void* value = nullptr;
    if (pam_get_item(pamh, type, &value) != PAM_SUCCESS || value == nullptr) return {};
    return static_cast<const char*>(value);
}

int not_enrolled(pam_handle_t* pamh, const ModuleArgs& args, Conversation& conv, const char* user) {
    if (args.nullok) {
        if (args.debug) pam_syslog(pamh, LOG_DEBUG, "%s has no second factor; nullok", user);
        return PAM_IGNORE;
    }
    pam_syslog(pamh, LOG_NOTICE, "%s has no second factor; denying (no nullok)", user);
    conv.error("A second factor is required, but none is set up for this account. Ask your administrator.");
    return PAM_AUTH_ERR;
}

// Reads a reply frame's fields or reports nonsense.
template <class T, class Decode>
std::optional<T> decoded(const wire::Reply& reply, Decode decode) {
    auto fields = reply.fields();
    if (!fields) return std::nullopt;
    auto message = decode(*fields);
    if (!message) return std::nullopt;
    return std::move(*message);
}

}  // namespace

int run_login(pam_handle_t* pamh, int flags, const ModuleArgs& args) {
    Conversation conv(pamh, (flags & PAM_SILENT) != 0);
    const char* user = nullptr;
    if (pam_get_user(pamh, &user, nullptr) != PAM_SUCCESS || user == nullptr || *user == '\0') {
        pam_syslog(pamh, LOG_ERR, "no user name");
        return PAM_USER_UNKNOWN;
    }

    wire::ClientOptions options{args.socket, args.timeout, wire::default_trusted_uids()};
    auto client = wire::Client::open(options);
    if (!client) return unavailable(pamh, args, conv, client.error().message);

    wire::Begin begin{user, item(pamh, PAM_SERVICE), item(pamh, PAM_RHOST), item(pamh, PAM_TTY)};
    auto begin_frame = wire::encode(begin, client->next_request_id());
    auto reply = client->call(begin_frame);
    if (!reply) {
        if (reply.error().message.find("permission denied") != std::string::npos) {
            pam_syslog(pamh, LOG_ERR, "mfad refused: %s", reply.error().message.c_str());
            return PAM_AUTH_ERR;
        }
        return unavailable(pamh, args, conv, reply.error().message);
    }
    switch (reply->type()) {
        case wire::MessageType::not_enrolled: return not_enrolled(pamh, args, conv, user);
        case wire::MessageType::exempt: {
            // The help desk disabled this user's MFA for a while: step aside, never PAM_SUCCESS.
            auto notice = decoded<wire::Done>(*reply, wire::decode_done);
            if (!notice) return unavailable(pamh, args, conv, "malformed EXEMPT");
            conv.info(notice->message);
            pam_syslog(pamh, LOG_NOTICE, "%s: second factor disabled by an administrator; skipped", user);
            return PAM_IGNORE;
        }
        case wire::MessageType::locked: {
            auto locked = decoded<wire::Locked>(*reply, wire::decode_locked);
            if (!locked) return unavailable(pamh, args, conv, "malformed LOCKED");
            conv.error(lock_message(locked->until));
            pam_syslog(pamh, LOG_NOTICE, "%s is locked out", user);
            return PAM_AUTH_ERR;
        }
        case wire::MessageType::challenge: break;
        default: return unavailable(pamh, args, conv, "unexpected reply to BEGIN");
    }
    auto challenge = decoded<wire::Challenge>(*reply, wire::decode_challenge);
    if (!challenge) return unavailable(pamh, args, conv, "malformed CHALLENGE");

    for (int attempt = 1; attempt <= args.tries; ++attempt) {
        auto code = conv.ask_hidden(args.prompt.empty() ? challenge->message : args.prompt);
        if (!code) return PAM_CONV_ERR;
        if (code->empty()) return PAM_AUTH_ERR;  // the user gave up
        auto answer_frame = wire::encode(wire::Answer{challenge->session, *code}, client->next_request_id());
        explicit_bzero(code->data(), code->size());
        auto verdict = client->call(answer_frame);
        if (!verdict) return unavailable(pamh, args, conv, verdict.error().message);
        switch (verdict->type()) {
            case wire::MessageType::allow: {
                auto notice = decoded<wire::Done>(*verdict, wire::decode_done);
                if (!notice) return unavailable(pamh, args, conv, "malformed ALLOW");
                if (!notice->message.empty()) conv.info(notice->message);
                if (args.debug) pam_syslog(pamh, LOG_DEBUG, "%s verified", user);
                return PAM_SUCCESS;
            }
            case wire::MessageType::deny:
                if (attempt < args.tries) conv.error("Wrong code, try again.");
                break;
            case wire::MessageType::locked: {
                auto locked = decoded<wire::Locked>(*verdict, wire::decode_locked);
                conv.error(lock_message(locked ? locked->until : 0));
                pam_syslog(pamh, LOG_NOTICE, "%s is locked out", user);
                return PAM_AUTH_ERR;
            }
            case wire::MessageType::not_enrolled: return not_enrolled(pamh, args, conv, user);
            default: return unavailable(pamh, args, conv, "unexpected reply to ANSWER");
        }
    }
    pam_syslog(pamh, LOG_NOTICE, "%s gave %d wrong codes", user, args.tries);
    conv.error("Wrong code.");
    // With one try there was nothing to exhaust: it is a plain failure.
    return args.tries == 1 ? PAM_AUTH_ERR : PAM_MAXTRIES;
}

}  // namespace mfa::pam
