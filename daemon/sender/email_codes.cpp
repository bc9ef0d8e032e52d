#include "sender/email_codes.hpp"

#include <openssl/crypto.h>
#include <unistd.h>

#include <algorithm>

#include "audit/audit_journal.hpp"
#include "factors/backup_codes/backup_codes.hpp"
#include "mfa/email_address.hpp"
#include "mfa/utf8.hpp"
#include "sender/notify_client.hpp"
#include "sender/sent_codes.hpp"
#include "server/request_handler.hpp"
#include "sys/log.hpp"

namespace mfa::daemon {
namespace {

constexpr int kTriesPerCheck = 3;

std::string minutes(std::chrono::seconds ttl) {
    auto m = (ttl.count() + 59) / 60;
    return std::to_string(m) + (m == 1 ? " minute" : " minutes");
}

std::string refusal_text(MailCodeIssue issue) {
    switch (issue) {
        case MailCodeIssue::user_day:
        case MailCodeIssue::destination_day: return "Too many emails were sent for this account today; try again tomorrow.";
        case MailCodeIssue::locked: return "This account is locked; recovery is not possible until the lock ends.";
        case MailCodeIssue::no_address: return "No verified recovery address is set for this account.";
        case MailCodeIssue::issued: break;
    }
    return "No email was sent.";
}

struct MailText {
    std::string subject;
    std::string body;
};

MailText code_mail(const Config& config, MailPurpose purpose, const std::string& user, const std::string& code) {
    std::string product = mail_product_name(config);
    std::string ttl = minutes(purpose == MailPurpose::verify ? kMailCheckTtl : config.recovery.code_ttl);
    if (purpose == MailPurpose::verify)
        return {"Confirm your recovery address for " + product,
                "Someone, hopefully you, asked to use this address to recover the second factor of the account\n" + user +
                    " on " + host_name() + ".\n\nConfirm it with:\n\n    mfactl recovery-email confirm --code " + code +
                    "\n\nThe code expires in " + ttl + ". If this was not you, ignore this message."};
    return {"Your " + product + " recovery code",
            "A login as " + user + " on " + host_name() + " asked to reset its second factor (\"I lost my device\").\n\n" +
                "Recovery code: " + code + "\n\nIt works once and expires in " + ttl +
                ". If this was not you, someone knows your password: change it and call your help desk."};
}

// The email through mfad-notify: the provider's id, or why not. Counted.
Awaitable<Result<std::string>> send_email(const RequestContext& ctx, const std::string& address, const MailText& text,
                                          std::uint64_t correlation) {
    const auto config = ctx.state.config;
    wire::NotifySend message{"email", address, text.body, correlation, text.subject};
    auto sent = co_await send_through_notify(config->notify, message);
    OPENSSL_cleanse(message.text.data(), message.text.size());
    ctx.state.counters.add(sent ? Counter::emails_sent : Counter::emails_failed);
    co_return sent;
}

void describe_send(AuditEntry& entry, const std::string& address, const Result<std::string>& sent) {
    entry.result = sent ? "ok" : "fail";
    entry.detail = "to=" + mask_email_address(address) +
                   (sent ? " message_id=" + *sent : " reason=" + printable(sent.error().message));
}

}  // namespace

std::string mail_product_name(const Config& config) {
    bool ascii = std::all_of(config.issuer.begin(), config.issuer.end(), [](char c) { return c >= ' ' && c < 127; });
    return ascii ? config.issuer : "mfad";
}

std::string host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "this host";
    std::string text = printable(name);
    return text.empty() ? "this host" : text;
}

Awaitable<MailCodeSent> send_mail_code(const RequestContext& ctx, const std::string& user, MailPurpose purpose,
                                       const std::string& address, std::vector<std::uint8_t> sealed_address,
                                       const AuditEntry& where) {
    const auto config = ctx.state.config;  // kept alive across the waits below
    std::int64_t now = DaemonState::now();
    auto codes = generate_backup_codes(1, kMailCodeLength);
    if (!codes) {
        log::failure("no email was sent", codes.error());
        co_return MailCodeSent{false, "No email was sent: mfad failed; see its log."};
    }
    std::string code = std::move(codes->front());
    auto hash = ctx.state.codes->hash_mail_code(user, purpose == MailPurpose::verify ? 1 : 2, code);
    // The per-address cap counts one mailbox however its letters are cased.
    std::string mailbox = address;
    std::transform(mailbox.begin(), mailbox.end(), mailbox.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    auto destination = ctx.state.codes->hash_destination(mailbox);
    OPENSSL_cleanse(mailbox.data(), mailbox.size());
    if (!hash || !destination) {
        OPENSSL_cleanse(code.data(), code.size());
        log::error("no email was sent", {{"MFA_REASON", (!hash ? hash.error() : destination.error()).message}});
        co_return MailCodeSent{false, "No email was sent: mfad failed; see its log."};
    }
    std::int64_t ttl = purpose == MailPurpose::verify ? kMailCheckTtl.count() : config->recovery.code_ttl.count();
    MailCodeRequest request{user, purpose, std::move(*hash), std::move(*destination), std::move(sealed_address), now,
                            now + ttl, kTriesPerCheck, config->recovery.max_per_day, config->recovery.max_per_day};
    AuditEntry entry = where;
    entry.user = user;
    entry.detail = "to=" + mask_email_address(address);
    auto issue = [request = std::move(request), entry](Store& store) { return store.issue_mail_code(request, entry); };
    auto issued = co_await ctx.state.writes->submit<MailCodeIssue>(issue);
    if (!issued || *issued != MailCodeIssue::issued) OPENSSL_cleanse(code.data(), code.size());
    if (!issued) {
        log::failure("no email was sent", issued.error());
        co_return MailCodeSent{false, "No email was sent: mfad failed; see its log."};
    }
    if (*issued != MailCodeIssue::issued) {
        AuditEntry refused = entry;
        refused.result = "refused";
        refused.detail += std::string(" cap=") + mail_code_issue_name(*issued);
        journal_audit(refused);
        co_return MailCodeSent{false, refusal_text(*issued)};
    }
    journal_audit(entry);

    auto text = code_mail(*config, purpose, user, code);
    OPENSSL_cleanse(code.data(), code.size());
    auto sent = co_await send_email(ctx, address, text, static_cast<std::uint64_t>(now));
    OPENSSL_cleanse(text.body.data(), text.body.size());
    AuditEntry outcome = entry;
    outcome.event = sent ? "email_sent" : "email_failed";
    describe_send(outcome, address, sent);
    journal_audit(outcome);
    Result<void> recorded;
    if (sent) {
        recorded = co_await audit(ctx, outcome);
    } else {
        auto cancel = [user, purpose, outcome, now](Store& store) { return store.cancel_mail_code(user, purpose, outcome, now); };
        recorded = co_await ctx.state.writes->submit<void>(cancel);
    }
    if (!recorded) log::failure("an email audit row was lost", recorded.error());
    if (!sent) co_return MailCodeSent{false, "The email could not be sent; try again later, or call your help desk."};
    co_return MailCodeSent{true, ""};
}

Awaitable<void> send_mail_notice(const RequestContext& ctx, const std::string& address, const std::string& subject,
                                 const std::string& body, const AuditEntry& where) {
    MailText text{subject, body};  // named: g++ 12 mishandles class temporaries in a co_await expression
    auto sent = co_await send_email(ctx, address, text, static_cast<std::uint64_t>(DaemonState::now()));
    AuditEntry entry = where;
    describe_send(entry, address, sent);
    journal_audit(entry);
    if (auto rc = co_await audit(ctx, entry); !rc)
        log::failure("an email audit row was lost", rc.error());
}

}  // namespace mfa::daemon
