#include "login_flow.hpp"

#include <security/pam_ext.h>
#include <syslog.h>

#include <ctime>

#include "conversation.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/client.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::pam {
namespace {

// More steps than any login needs (tries, a menu, a resend or two).
constexpr int kMaxSteps = 32;

// mfad cannot be reached, or failed before it judged anything (no socket, a
// failed handshake, a timeout, a reply that makes no sense): the one place
// where fail_mode decides. Deny (secure) or step aside (open).
int unavailable(pam_handle_t* pamh, const ModuleArgs& args, Conversation& conv, const std::string& reason) {
    if (args.fail_mode == FailMode::open) {
        pam_syslog(pamh, LOG_WARNING, "mfad unavailable (%s); fail_mode=open lets this login through",
                   printable(reason).c_str());
        return PAM_IGNORE;
    }
    pam_syslog(pamh, LOG_ERR, "mfad unavailable (%s); denying the login", printable(reason).c_str());
    conv.error("The second-factor service is unavailable; the login is denied.");
    return PAM_AUTHINFO_UNAVAIL;
}

// mfad began judging this login (it sent the challenge) and then no verdict
// came: whatever the cause, the person's answer or mfad's trouble, this is a
// failed login under either fail_mode.
int no_verdict(pam_handle_t* pamh, Conversation& conv, const std::string& user, const std::string& reason) {
    pam_syslog(pamh, LOG_ERR, "the login of %s ended without a verdict (%s); denying", user.c_str(),
               printable(reason).c_str());
    conv.error("The second factor could not be checked; the login is denied.");
    return PAM_AUTH_ERR;
}

std::string lock_message(std::uint64_t until) {
    auto now = static_cast<std::uint64_t>(std::time(nullptr));
    std::uint64_t left = until > now ? until - now : 0;
    std::uint64_t minutes = (left + 59) / 60;
    return "Too many failed codes: this account is locked for " +
           (left < 60 ? std::to_string(left) + " seconds" : std::to_string(minutes) + " minutes") + ".";
}

// A PAM item as mfad accepts it: control characters escaped, cut to `max`
// bytes on a character boundary. An application's odd rhost must not make
// BEGIN malformed, since a malformed BEGIN would read as "mfad unavailable".
std::string wire_item(pam_handle_t* pamh, int type, std::size_t max) {
    const void* value = nullptr;
    if (pam_get_item(pamh, type, &value) != PAM_SUCCESS || value == nullptr) return {};
    std::string text = printable(static_cast<const char*>(value));
    if (text.size() <= max) return text;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
    return text.substr(0, cut);
}

// A name NSS could hold: no control character and no space at either end
// (mfad applies the same rule and then asks NSS for the canonical name).
bool plausible_user_name(std::string_view user) {
    return !user.empty() && user.size() <= wire::kMaxUser && valid_identifier_text(user) && user.front() != ' ' &&
           user.back() != ' ';
}

int not_enrolled(pam_handle_t* pamh, const ModuleArgs& args, Conversation& conv, const std::string& user) {
    if (args.nullok) {
        if (args.debug) pam_syslog(pamh, LOG_DEBUG, "%s has no second factor; nullok", user.c_str());
        return PAM_IGNORE;
    }
    pam_syslog(pamh, LOG_NOTICE, "%s has no second factor; denying (no nullok)", user.c_str());
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

// DENY, at BEGIN or after an answer: the login failed, and mfad says why.
int deny_verdict(pam_handle_t* pamh, const ModuleArgs& args, Conversation& conv, const std::string& user,
                 const wire::Reply& reply) {
    auto deny = decoded<wire::Deny>(reply, wire::decode_deny);
    if (!deny) return no_verdict(pamh, conv, user, "malformed DENY");
    conv.error(deny->message);
    pam_syslog(pamh, LOG_NOTICE, "%s: %s", user.c_str(), printable(deny->message).c_str());
    // With one try there was nothing to exhaust: it is a plain failure.
    return deny->exhausted && args.tries > 1 ? PAM_MAXTRIES : PAM_AUTH_ERR;
}

// The reply to BEGIN when it is not a step: the end of the login before any judging.
int judge_begin(pam_handle_t* pamh, const ModuleArgs& args, Conversation& conv, const std::string& user,
                const wire::Reply& reply) {
    switch (reply.type()) {
        case wire::MessageType::not_enrolled: return not_enrolled(pamh, args, conv, user);
        case wire::MessageType::exempt: {
            // The help desk disabled this user's MFA for a while: step aside, never PAM_SUCCESS.
            auto notice = decoded<wire::Done>(reply, wire::decode_done);
            if (!notice) return unavailable(pamh, args, conv, "malformed EXEMPT");
            conv.info(notice->message);
            pam_syslog(pamh, LOG_NOTICE, "%s: second factor disabled by an administrator; skipped", user.c_str());
            return PAM_IGNORE;
        }
        case wire::MessageType::locked: {
            auto locked = decoded<wire::Locked>(reply, wire::decode_locked);
            if (!locked) return unavailable(pamh, args, conv, "malformed LOCKED");
            conv.error(lock_message(locked->until));
            pam_syslog(pamh, LOG_NOTICE, "%s is locked out", user.c_str());
            return PAM_AUTH_ERR;
        }
        // mfad judged already (the only factor cannot be used now): a verdict,
        // never "unavailable", whatever fail_mode says.
        case wire::MessageType::deny: return deny_verdict(pamh, args, conv, user, reply);
        default: return unavailable(pamh, args, conv, "unexpected reply to BEGIN");
    }
}

// A verdict after mfad began judging (it sent a step).
int judge_answer(pam_handle_t* pamh, const ModuleArgs& args, Conversation& conv, const std::string& user,
                 const wire::Reply& reply) {
    switch (reply.type()) {
        case wire::MessageType::allow: {
            auto notice = decoded<wire::Done>(reply, wire::decode_done);
            if (!notice) return no_verdict(pamh, conv, user, "malformed ALLOW");
            if (!notice->message.empty()) conv.info(notice->message);
            if (args.debug) pam_syslog(pamh, LOG_DEBUG, "%s verified", user.c_str());
            return PAM_SUCCESS;
        }
        case wire::MessageType::deny: return deny_verdict(pamh, args, conv, user, reply);
        case wire::MessageType::locked: {
            auto locked = decoded<wire::Locked>(reply, wire::decode_locked);
            conv.error(lock_message(locked ? locked->until : 0));
            pam_syslog(pamh, LOG_NOTICE, "%s is locked out", user.c_str());
            return PAM_AUTH_ERR;
        }
        // A factor that went away under a pending login is a failure, never nullok's "not enrolled".
        default: return no_verdict(pamh, conv, user, "unexpected reply to ANSWER");
    }
}

// A BEGIN that failed: who decides depends on what mfad said.
int begin_failed(pam_handle_t* pamh, const ModuleArgs& args, Conversation& conv, const wire::Client& client,
                 const std::string& user, const Error& error) {
    switch (client.daemon_error().value_or(wire::ErrorCode::internal)) {
        case wire::ErrorCode::unknown_user:
            pam_syslog(pamh, LOG_NOTICE, "%s is not a user of this system; denying", user.c_str());
            return PAM_USER_UNKNOWN;
        case wire::ErrorCode::permission_denied:
            pam_syslog(pamh, LOG_ERR, "mfad refused: %s", printable(error.message).c_str());
            return PAM_AUTH_ERR;
        default: return unavailable(pamh, args, conv, error.message);
    }
}

}  // namespace

int run_login(pam_handle_t* pamh, int flags, const ModuleArgs& args) {
    Conversation conv(pamh, (flags & PAM_SILENT) != 0);
    const char* name = nullptr;
    if (pam_get_user(pamh, &name, nullptr) != PAM_SUCCESS || name == nullptr || *name == '\0') {
        pam_syslog(pamh, LOG_ERR, "no user name");
        return PAM_USER_UNKNOWN;
    }
    if (!plausible_user_name(name)) {
        pam_syslog(pamh, LOG_NOTICE, "refusing the user name \"%s\"", printable(name).c_str());
        return PAM_USER_UNKNOWN;
    }
    const std::string user = name;

    wire::ClientOptions options{args.socket, args.timeout, wire::default_trusted_uids()};
    auto client = wire::Client::open(options);
    if (!client) return unavailable(pamh, args, conv, client.error().message);

    wire::Begin begin{user,
                      wire_item(pamh, PAM_SERVICE, wire::kMaxService),
                      wire_item(pamh, PAM_RHOST, wire::kMaxRhost),
                      wire_item(pamh, PAM_TTY, wire::kMaxTty),
                      static_cast<std::uint32_t>(args.tries),
                      args.prompt};
    auto begin_frame = wire::encode(begin, client->next_request_id());
    auto reply = client->call(begin_frame);
    if (!reply) return begin_failed(pamh, args, conv, *client, user, reply.error());
    if (reply->type() != wire::MessageType::step) return judge_begin(pamh, args, conv, user, *reply);
    auto step = decoded<wire::Step>(*reply, wire::decode_step);
    if (!step) return unavailable(pamh, args, conv, "malformed STEP");

    // From here on mfad is judging this login: no failure is "unavailable".
    // mfad counts the tries and ends the login with a verdict; the bound on
    // steps only keeps a broken mfad from holding the login forever.
    for (int steps = 1;; ++steps) {
        if (steps > kMaxSteps) return no_verdict(pamh, conv, user, "too many steps");
        TypedAnswer typed;
        if (!conv.show(*step, typed)) return PAM_CONV_ERR;
        if (typed.empty() && !step->echo) return PAM_AUTH_ERR;  // no code: the user gave up
        // An answer no code can be is sent empty: mfad counts it as a wrong code.
        bool usable = !typed.too_long() && valid_identifier_text(typed.view());
        auto answer_frame =
            wire::encode_answer(step->session, usable ? typed.view() : std::string_view(), client->next_request_id());
        reply = client->call(answer_frame);
        if (!reply) return no_verdict(pamh, conv, user, reply.error().message);
        if (reply->type() != wire::MessageType::step) return judge_answer(pamh, args, conv, user, *reply);
        step = decoded<wire::Step>(*reply, wire::decode_step);
        if (!step) return no_verdict(pamh, conv, user, "malformed STEP");
    }
}

}  // namespace mfa::pam
