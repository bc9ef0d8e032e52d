// ADMIN_DISABLE and its report, and the rules both ends check.
#include <algorithm>
#include <cctype>

#include "field_reader.hpp"
#include "mfa/wire/admin_messages.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::wire {
namespace {

constexpr std::size_t kMaxTicket = 128;
constexpr std::size_t kMaxEmail = 254;  // RFC 5321's path limit

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); });
}

// A plain addr-spec: local@domain.tld, no quoting, no comments, no spaces.
bool looks_like_email(std::string_view s) {
    auto at = s.find('@');
    if (s.size() > kMaxEmail || at == 0 || at == std::string_view::npos || at > 64 || s.find('@', at + 1) != s.npos)
        return false;
    auto local = s.substr(0, at), domain = s.substr(at + 1);
    auto local_ok = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view(".!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
    };
    auto domain_ok = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; };
    return std::all_of(local.begin(), local.end(), local_ok) && std::all_of(domain.begin(), domain.end(), domain_ok) &&
           domain.find('.') != domain.npos && domain.front() != '.' && domain.back() != '.' && domain.find("..") == domain.npos;
}

}  // namespace

std::string disable_request_problem(const AdminDisable& m) {
    if (m.ticket.empty() || m.ticket.size() > kMaxTicket || has_control(m.ticket))
        return "--ticket: give the ticket id (up to 128 characters), or \"None Provided\"";
    if (m.reason.empty() || m.reason.size() > kMaxMessage || has_control(m.reason))
        return "--reason: give a reason (one line, up to 512 bytes), or \"None Provided\"";
    if (!looks_like_email(m.operator_email)) return "--operator: give the operator's email address, e.g. jo@example.com";
    if (m.method != "with-claim" && m.method != "without-claim" && m.method != "none-provided")
        return "--verification-method: one of with-claim, without-claim, none-provided";
    return {};
}

FrameWriter encode(const AdminDisable& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::admin_disable, request_id);
    w.text(Tag::user, m.user)
        .text(Tag::ticket, m.ticket)
        .text(Tag::reason, m.reason)
        .text(Tag::operator_email, m.operator_email)
        .text(Tag::method, m.method)
        .u32(Tag::commit, m.commit ? 1 : 0);
    return w;
}

FrameWriter encode(const DisableReport& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::disable_report, request_id);
    w.text(Tag::disable_state, m.state)
        .u32(Tag::totp_removed, m.totp_removed)
        .u32(Tag::pending_removed, m.pending_removed)
        .u32(Tag::backup_voided, m.backup_voided)
        .u32(Tag::lock_cleared, m.lock_cleared)
        .u32(Tag::failures, m.failures_cleared)
        .u64(Tag::disabled_until, m.disabled_until);
    return w;
}

Result<AdminDisable> decode_admin_disable(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::ticket, Tag::reason, Tag::operator_email, Tag::method, Tag::commit}); !ok)
        return ok.error();
    FieldReader f(p);
    AdminDisable m{f.text(Tag::user, kMaxUser),           f.text(Tag::ticket, kMaxMessage),
                   f.text(Tag::reason, kMaxMessage),      f.text(Tag::operator_email, kMaxMessage),
                   f.text(Tag::method, kMaxService),      f.u32(Tag::commit) != 0};
    return f.finish(std::move(m));
}

Result<DisableReport> decode_disable_report(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::disable_state, Tag::totp_removed, Tag::pending_removed, Tag::backup_voided,
                                Tag::lock_cleared, Tag::failures, Tag::disabled_until});
        !ok)
        return ok.error();
    FieldReader f(p);
    DisableReport m{f.text(Tag::disable_state, kMaxService), f.u32(Tag::totp_removed) != 0,
                    f.u32(Tag::pending_removed) != 0,        f.u32(Tag::backup_voided),
                    f.u32(Tag::lock_cleared) != 0,           f.u32(Tag::failures),
                    f.u64(Tag::disabled_until)};
    auto decoded = f.finish(std::move(m));
    if (decoded && decoded->state != "dry_run" && decoded->state != "committed" && decoded->state != "already_disabled")
        return make_error("payload: unknown disable state");
    return decoded;
}

FrameWriter encode(const StatsReply& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::stats_reply, request_id);
    w.text(Tag::counters, m.counters);
    return w;
}

Result<StatsReply> decode_stats_reply(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::counters}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(StatsReply{f.text(Tag::counters, kMaxPayload)});
}

}  // namespace mfa::wire
