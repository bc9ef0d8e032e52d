#include "mfa/wire/factor_messages.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "field_reader.hpp"
#include "mfa/email_address.hpp"
#include "mfa/utf8.hpp"

namespace mfa::wire {
namespace {

// FACTORS_REPLY carries its list as lines of tab-separated fields; a field
// holds no tab, newline or other control character.
constexpr char kFieldSep = '\t';
constexpr char kLineSep = '\n';

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> out;
    for (std::size_t at = 0;;) {
        auto end = text.find(sep, at);
        out.push_back(text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
        if (end == std::string_view::npos) return out;
        at = end + 1;
    }
}

std::optional<std::uint64_t> number(std::string_view s) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

Result<FactorInfo> decode_factor_line(std::string_view line) {
    auto f = split(line, kFieldSep);
    auto bad = make_error("payload: malformed factor list");
    if (f.size() != 7) return bad;
    for (auto field : f)
        if (!valid_identifier_text(field)) return bad;
    auto created = number(f[4]), used = number(f[5]);
    if (!valid_factor_name(f[0]) || f[1].empty() || f[1].size() > kMaxKind || (f[3] != "0" && f[3] != "1") ||
        !created || !used || f[6].size() > kMaxMessage)
        return bad;
    return FactorInfo{std::string(f[0]), std::string(f[1]), std::string(f[2]), f[3] == "1", *created, *used,
                      std::string(f[6])};
}

}  // namespace

bool valid_factor_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxFactorName || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
}

FrameWriter encode(const EnrollStart& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::enroll_start, request_id);
    w.text(Tag::user, m.user).text(Tag::kind, m.kind);
    if (!m.name.empty()) w.text(Tag::name, m.name);
    if (!m.destination.empty()) w.text(Tag::destination, m.destination);
    if (!m.code.empty()) w.text(Tag::code, m.code);
    if (!m.secret.empty()) w.text(Tag::secret, m.secret).u32(Tag::digits, m.digits).u64(Tag::counter, m.counter);
    return w;
}

FrameWriter encode(const FactorsReply& m, std::uint32_t request_id) {
    std::string list;
    for (const auto& f : m.factors) {
        if (!list.empty()) list += kLineSep;
        for (const std::string& field : {f.name, f.kind, f.state, std::string(f.primary ? "1" : "0"),
                                         std::to_string(f.created_at), std::to_string(f.last_used_at)})
            list += field + kFieldSep;
        list += f.description;
    }
    FrameWriter w(MessageType::factors_reply, request_id);
    w.text(Tag::user, m.user).text(Tag::factor_list, list);
    if (!m.recovery_email.empty()) w.text(Tag::address, m.recovery_email);
    return w;
}

FrameWriter encode(const RecoveryEmailSet& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::recovery_email_set, request_id);
    w.text(Tag::user, m.user).text(Tag::address, m.address);
    if (!m.code.empty()) w.text(Tag::code, m.code);
    return w;
}

FrameWriter encode(const RecoveryEmailConfirm& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::recovery_email_confirm, request_id);
    w.text(Tag::user, m.user).text(Tag::code, m.code);
    return w;
}

Result<RecoveryEmailSet> decode_recovery_email_set(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::address, Tag::code}); !ok) return ok.error();
    FieldReader f(p);
    auto m = f.finish(RecoveryEmailSet{f.text(Tag::user, kMaxUser), f.text(Tag::address, kMaxEmailAddress),
                                       f.text(Tag::code, kMaxCode, false)});
    if (m && !valid_email_address(m->address))
        return make_error("payload: not a plain email address (user@example.com, no name, no spaces)");
    return m;
}

Result<RecoveryEmailConfirm> decode_recovery_email_confirm(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::code}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(RecoveryEmailConfirm{f.text(Tag::user, kMaxUser), f.text(Tag::code, kMaxCode)});
}

FrameWriter encode(const FactorChangeRequest& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::factor_change, request_id);
    w.text(Tag::user, m.user).text(Tag::action, m.action).text(Tag::name, m.name);
    if (!m.code.empty()) w.text(Tag::code, m.code);
    if (!m.reason.empty()) w.text(Tag::reason, m.reason);
    return w;
}

FrameWriter encode(const NotifySend& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::notify_send, request_id);
    w.text(Tag::channel, m.channel).text(Tag::destination, m.destination).text(Tag::message, m.text);
    w.u64(Tag::correlation, m.correlation);
    if (!m.subject.empty()) w.text(Tag::subject, m.subject);
    return w;
}

FrameWriter encode(const NotifySent& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::notify_sent, request_id);
    w.text(Tag::message_id, m.message_id);
    return w;
}

Result<EnrollStart> decode_enroll_start(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::kind, Tag::name, Tag::destination, Tag::code, Tag::secret, Tag::digits,
                                Tag::counter});
        !ok)
        return ok.error();
    FieldReader f(p);
    bool token = p.has(Tag::secret);
    if (token != p.has(Tag::digits) || token != p.has(Tag::counter))
        return make_error("payload: a token's secret comes with its digits and counter");
    auto m = f.finish(EnrollStart{f.text(Tag::user, kMaxUser), f.text(Tag::kind, kMaxKind, false),
                                  f.text(Tag::name, kMaxFactorName, false), f.text(Tag::destination, kMaxDestination, false),
                                  f.text(Tag::code, kMaxCode, false), f.text(Tag::secret, kMaxSecretText, false),
                                  token ? f.u32(Tag::digits) : 0, token ? f.u64(Tag::counter) : 0});
    if (!m) return m;
    if (!valid_identifier_text(m->secret)) return make_error("payload: invalid secret");
    if (m->kind.empty()) m->kind = "totp";  // mfactl before several factors sent the user alone
    if (!m->name.empty() && !valid_factor_name(m->name)) return make_error("payload: invalid factor name");
    if (!valid_identifier_text(m->destination)) return make_error("payload: invalid destination");
    return m;
}

Result<FactorsReply> decode_factors_reply(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::factor_list, Tag::address}); !ok) return ok.error();
    FieldReader f(p);
    auto m = f.finish(FactorsReply{f.text(Tag::user, kMaxUser), {}, f.text(Tag::address, kMaxMessage, false)});
    if (!m) return m;
    auto list = p.text(Tag::factor_list, kMaxPayload);
    if (!list) return list.error();
    if (list->empty()) return m;
    for (auto line : split(*list, kLineSep)) {
        auto info = decode_factor_line(line);
        if (!info) return info.error();
        m->factors.push_back(std::move(*info));
    }
    return m;
}

Result<FactorChangeRequest> decode_factor_change(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::action, Tag::name, Tag::code, Tag::reason}); !ok) return ok.error();
    FieldReader f(p);
    auto m = f.finish(FactorChangeRequest{f.text(Tag::user, kMaxUser), f.text(Tag::action, kMaxKind),
                                          f.text(Tag::name, kMaxFactorName), f.text(Tag::code, kMaxCode, false),
                                          f.text(Tag::reason, kMaxMessage, false)});
    if (!m) return m;
    if (m->action != "primary" && m->action != "remove") return make_error("payload: unknown factor action");
    if (!valid_factor_name(m->name)) return make_error("payload: invalid factor name");
    return m;
}

Result<NotifySend> decode_notify_send(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::channel, Tag::destination, Tag::message, Tag::correlation, Tag::subject}); !ok)
        return ok.error();
    FieldReader f(p);
    auto m = f.finish(NotifySend{f.text(Tag::channel, kMaxKind), f.text(Tag::destination, kMaxDestination),
                                 f.text(Tag::message, kMaxNotifyText), f.u64(Tag::correlation),
                                 f.text(Tag::subject, kMaxSubject, false)});
    if (!m) return m;
    if (m->destination.empty() || !valid_identifier_text(m->destination))
        return make_error("payload: invalid destination");
    // The subject becomes a header line: no control character at all.
    if (!valid_identifier_text(m->subject)) return make_error("payload: invalid subject");
    return m;
}

Result<NotifySent> decode_notify_sent(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::message_id}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(NotifySent{f.text(Tag::message_id, kMaxMessageId)});
}

FrameWriter encode(const ImportFactor& m, std::uint32_t request_id) {
    std::string codes;
    for (const auto& code : m.codes) codes += (codes.empty() ? "" : "\n") + code;
    FrameWriter w(MessageType::import_factor, request_id);
    w.text(Tag::user, m.user).text(Tag::kind, m.kind).text(Tag::name, m.name).text(Tag::secret, m.secret);
    w.u32(Tag::digits, m.digits).u32(Tag::period, m.period).u64(Tag::counter, m.counter);
    if (m.window >= 0) w.u32(Tag::window, static_cast<std::uint32_t>(m.window));
    if (!codes.empty()) w.text(Tag::codes, codes);
    w.text(Tag::source, m.source).u32(Tag::commit, m.commit ? 1 : 0);
    if (m.uid) w.u32(Tag::uid, *m.uid);
    return w;
}

Result<ImportFactor> decode_import_factor(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::kind, Tag::name, Tag::secret, Tag::digits, Tag::period, Tag::window,
                                Tag::counter, Tag::codes, Tag::source, Tag::commit, Tag::uid});
        !ok)
        return ok.error();
    FieldReader f(p);
    ImportFactor m{f.text(Tag::user, kMaxUser), f.text(Tag::kind, kMaxKind), f.text(Tag::name, kMaxFactorName),
                   f.text(Tag::secret, kMaxSecretText), f.u32(Tag::digits), f.u32(Tag::period), -1,
                   f.u64(Tag::counter), {}, {}, false};
    if (p.has(Tag::window)) {
        std::uint32_t window = f.u32(Tag::window);
        if (window > 1000) return make_error("payload: window out of range");
        m.window = static_cast<std::int32_t>(window);
    }
    std::string codes = f.text(Tag::codes, kMaxBackupCodes * 33, false);
    m.source = f.text(Tag::source, kMaxSource);
    m.commit = f.u32(Tag::commit) != 0;
    if (p.has(Tag::uid)) m.uid = f.u32(Tag::uid);
    auto decoded = f.finish(std::move(m));
    if (!decoded) return decoded;
    if (decoded->kind != "totp" && decoded->kind != "hotp") return make_error("payload: only totp and hotp can be imported");
    if (!valid_factor_name(decoded->name)) return make_error("payload: invalid factor name");
    if (!valid_identifier_text(decoded->secret)) return make_error("payload: invalid secret");
    if (!codes.empty())
        for (auto code : split(codes, kLineSep)) {
            bool alnum = std::all_of(code.begin(), code.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
            if (code.empty() || code.size() > 32 || !alnum) return make_error("payload: invalid scratch code");
            decoded->codes.emplace_back(code);
        }
    if (decoded->codes.size() > kMaxBackupCodes) return make_error("payload: too many scratch codes");
    return decoded;
}

}  // namespace mfa::wire
