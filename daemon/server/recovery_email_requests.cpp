// A recovery address can reset a user's MFA, so it is set like a new factor:
// by the user (with a current code once they have a factor) or by root, never
// by admin_group for someone else; and it counts only once the code sent to
// it comes back.
#include "server/recovery_email_requests.hpp"

#include <openssl/crypto.h>

#include "audit/audit_journal.hpp"
#include "mfa/email_address.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "sender/email_codes.hpp"
#include "sender/sent_codes.hpp"
#include "server/authorize_user_request.hpp"
#include "server/possession.hpp"

namespace mfa::daemon {
namespace {

Outcome refused(const RequestContext& ctx, const std::string& message) {
    return Outcome{ctx.error(wire::ErrorCode::refused, message), {}};
}

Outcome done(const RequestContext& ctx, const std::string& message) {
    return Outcome{wire::encode(wire::Done{message}, ctx.request_id), {}};
}

}  // namespace

std::string shown_recovery_email(const DaemonState& state, const UserRecord& user) {
    std::string shown;
    if (!user.recovery_email.empty()) {
        auto address = state.box->open(user.name, kRecoveryEmailField, user.recovery_email);
        shown = address ? mask_email_address(std::string_view(reinterpret_cast<const char*>(address->data()), address->size()))
                        : "(cannot be read)";
    }
    if (user.recovery_email_pending) shown += std::string(shown.empty() ? "" : " ") + "(a new one waits for its code)";
    return shown;
}

Awaitable<Outcome> handle_recovery_email_set(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_recovery_email_set(payload);
    if (auto no = co_await admit_write(ctx, request, Action::mint_codes, "recovery_email_set")) co_return std::move(*no);
    const auto config = ctx.state.config;
    if (!config->recovery.email) {
        OPENSSL_cleanse(request->code.data(), request->code.size());
        co_return refused(ctx, "recovery by email is off on this host (recovery.email in mfad.yaml)");
    }
    if (ctx.peer.uid != 0) {
        auto user = co_await ctx.state.store->load_user(request->user);
        if (!user) {
            OPENSSL_cleanse(request->code.data(), request->code.size());
            co_return internal_error(ctx, user.error());
        }
        if (*user && !(*user)->active().empty())
            if (auto no = co_await check_possession(ctx, request->user, request->code, "", true, "recovery_email"))
                co_return std::move(*no);
    }
    OPENSSL_cleanse(request->code.data(), request->code.size());
    std::string address = canonical_email_address(request->address);
    auto sealed = ctx.state.box->seal(request->user, kRecoveryEmailField,
                                      std::span(reinterpret_cast<const std::uint8_t*>(address.data()), address.size()));
    if (!sealed) co_return internal_error(ctx, sealed.error());
    AuditEntry where{"recovery_email_set", request->user, "", "", "", ctx.peer.uid, ""};
    auto sent = co_await send_mail_code(ctx, request->user, MailPurpose::verify, address, *sealed, where);
    if (!sent.sent) co_return refused(ctx, sent.refusal);
    co_return done(ctx, "A code was sent to " + mask_email_address(address) +
                            "; confirm the address with 'mfactl recovery-email confirm --code CODE'.");
}

Awaitable<Outcome> handle_recovery_email_confirm(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_recovery_email_confirm(payload);
    if (auto no = co_await admit_write(ctx, request, Action::mint_codes, "recovery_email_confirm")) co_return std::move(*no);
    auto hash = ctx.state.codes->hash_mail_code(request->user, 1, request->code);
    OPENSSL_cleanse(request->code.data(), request->code.size());
    if (!hash) co_return internal_error(ctx, hash.error());
    AuditEntry entry{"recovery_email_confirm", request->user, "", "", "", ctx.peer.uid, ""};
    auto confirm = [user = request->user, hash = std::move(*hash), now = DaemonState::now(), entry](Store& store) {
        return store.confirm_recovery_email(user, hash, now, entry);
    };
    auto checked = co_await ctx.state.writes->submit<MailCodeCheck>(confirm);
    if (!checked) co_return internal_error(ctx, checked.error());
    entry.result = *checked == MailCodeCheck::confirmed ? "ok" : *checked == MailCodeCheck::wrong ? "fail" : "no_pending";
    journal_audit(entry);
    if (*checked == MailCodeCheck::wrong) co_return refused(ctx, "wrong code: check the email and try again");
    if (*checked == MailCodeCheck::none)
        co_return refused(ctx, "no address waits for a code (or its code expired or was mistyped too often): "
                               "start again with 'mfactl recovery-email set --address A'");
    co_return done(ctx, "Recovery address confirmed for " + request->user + ".");
}

}  // namespace mfa::daemon
