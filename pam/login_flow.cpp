#include "login_flow.hpp"

#include <security/pam_ext.h>
#include <syslog.h>

#include <sys/stat.h>

#include <chrono>

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

// The precise clock, as mfad's: time() reads the coarse clock, which can lag a
// second behind the one mfad set the lock with and say "6 minutes" for 5.
std::string lock_message(std::uint64_t until) {
    auto now = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
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

// Can the person see a QR code and type at a prompt? sshd says "ssh"; a
// console or su names a terminal device. cron ("cron"), a display (":0") or
// sudo without a terminal (no PAM_TTY) cannot enroll at login.
bool has_terminal(pam_handle_t* pamh) {
    const void* value = nullptr;
    if (pam_get_item(pamh, PAM_TTY, &value) != PAM_SUCCESS || value == nullptr) return false;
    std::string tty = static_cast<const char*>(value);
    if (tty == "ssh") return true;
    if (tty.empty() || tty.find("..") != std::string::npos) return false;
    std::string path = tty.front() == '/' ? tty : "/dev/" + tty;
    struct stat st{};
    return path.rfind("/dev/", 0) == 0 && stat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

// NOT_ENROLLED may say why (protocol 4: the enrollment grace ended on ...).
int not_enrolled(pam_handle_t* pamh, const ModuleArgs& args, Conversation& conv, const std::string& user,
                 const wire::Reply& reply) {
    if (args.nullok) {
        if (args.debug) pam_syslog(pamh, LOG_DEBUG, "%s has no second factor; nullok", user.c_str());
        return PAM_IGNORE;
    }
    pam_syslog(pamh, LOG_NOTICE, "%s has no second factor; denying (no nullok)", user.c_str());
    auto fields = reply.fields();
    auto why = fields && fields->has(wire::Tag::message) ? wire::decode_done(*fields) : Result<wire::Done>(wire::Done{});
    conv.error(why && !why->message.empty()
                   ? why->message
                   : "A second factor is required, but none is set up for this account. Ask your administrator.");
    return PAM_AUTH_ERR;
}

// EXEMPT: the help desk disabled this user's MFA for a while, or the user put
// off enrollment within the grace period. Step aside, never PAM_SUCCESS.
int exempt_verdict(pam_handle_t* pamh, const std::string& user, Conversation& conv, const wire::Done& notice) {
    conv.info(notice.message);
    pam_syslog(pamh, LOG_NOTICE, "%s: no second factor asked (%s)", user.c_str(), printable(notice.message).c_str());
    return PAM_IGNORE;
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
        case wire::MessageType::not_enrolled: return not_enrolled(pamh, args, conv, user, reply);
        case wire::MessageType::exempt: {
            auto notice = decoded<wire::Done>(reply, wire::decode_done);
            if (!notice) return unavailable(pamh, args, conv, "malformed EXEMPT");
            return exempt_verdict(pamh, user, conv, *notice);
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
        case wire::MessageType::exempt: {  // enrollment at login put off within the grace period
            auto notice = decoded<wire::Done>(reply, wire::decode_done);
            if (!notice) return no_verdict(pamh, conv, user, "malformed EXEMPT");
            return exempt_verdict(pamh, user, conv, *notice);
        }
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

// NOTEs came before a step: shown in the same conversation call, before its lines.
void with_notes(wire::Step& step, wire::Client& client) {
    std::string notes;
    for (auto& note : client.take_notes()) notes += note + "\n";
    if (!notes.empty()) step.info = notes + step.info;
}

void show_notes(Conversation& conv, wire::Client& client) {
    for (auto& note : client.take_notes()) conv.info(note);
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
        case wire::ErrorCode::store_unavailable:
            // mfad is up and says no: fail_mode=open is for mfad being gone,
            // and a database someone can cut off must not open every door.
            pam_syslog(pamh, LOG_ERR, "mfad cannot reach its store (%s); denying the login", printable(error.message).c_str());
            conv.error("The second-factor service is unavailable; the login is denied.");
            return PAM_AUTHINFO_UNAVAIL;
        default: return unavailable(pamh, args, conv, error.message);
    }
}

// forward_pass's code answers the first step; the person cannot be asked again.
int answer_forwarded(pam_handle_t* pamh, const ModuleArgs& args, Conversation& conv, wire::Client& client,
                     const std::string& user, const wire::Step& step, std::string code) {
    if (code.empty()) {
        conv.error("Type your code after the password, or after a comma: password,code");
        return PAM_AUTH_ERR;
    }
    bool usable = valid_identifier_text(code);
    auto answer_frame = wire::encode_answer(step.session, usable ? std::string_view(code) : std::string_view(),
                                            client.next_request_id());
    explicit_bzero(code.data(), code.size());
    auto reply = client.call(answer_frame);
    if (!reply) return no_verdict(pamh, conv, user, reply.error().message);
    show_notes(conv, client);
    if (reply->type() != wire::MessageType::step) return judge_answer(pamh, args, conv, user, *reply);
    auto next = decoded<wire::Step>(*reply, wire::decode_step);
    conv.error(next && !next->errors.empty() ? next->errors : "That code cannot be used here.");
    return PAM_AUTH_ERR;
}

}  // namespace

int run_login(pam_handle_t* pamh, int flags, const ModuleArgs& args, const std::optional<std::string>& forwarded) {
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
                      args.prompt,
                      (args.enforce_enrollment ? wire::kEnforceEnrollment : 0u) |
                          ((flags & PAM_SILENT) != 0 ? wire::kSilent : 0u) |
                          // forward_pass has one prompt, and it was the password's: no enrollment here.
                          (has_terminal(pamh) && !forwarded ? 0u : wire::kNoTerminal)};
    auto begin_frame = wire::encode(begin, client->next_request_id());
    auto reply = client->call(begin_frame);
    if (!reply) return begin_failed(pamh, args, conv, *client, user, reply.error());
    if (reply->type() != wire::MessageType::step) {
        show_notes(conv, *client);
        return judge_begin(pamh, args, conv, user, *reply);
    }
    auto step = decoded<wire::Step>(*reply, wire::decode_step);
    if (!step) return unavailable(pamh, args, conv, "malformed STEP");
    if (forwarded) return answer_forwarded(pamh, args, conv, *client, user, *step, *forwarded);
    with_notes(*step, *client);

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
        if (reply->type() != wire::MessageType::step) {
            show_notes(conv, *client);
            return judge_answer(pamh, args, conv, user, *reply);
        }
        step = decoded<wire::Step>(*reply, wire::decode_step);
        if (!step) return no_verdict(pamh, conv, user, "malformed STEP");
        with_notes(*step, *client);
    }
}

}  // namespace mfa::pam
