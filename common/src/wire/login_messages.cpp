#include "mfa/wire/login_messages.hpp"

#include <string.h>

#include <algorithm>
#include <cctype>

#include "field_reader.hpp"

namespace mfa::wire {

FrameWriter encode(MessageType type, const UserRequest& m, std::uint32_t request_id) {
    FrameWriter w(type, request_id);
    w.text(Tag::user, m.user);
    return w;
}

FrameWriter encode(const EnrollSecret& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::enroll_secret, request_id);
    w.text(Tag::user, m.user).text(Tag::secret, m.secret).text(Tag::uri, m.uri);
    return w;
}

FrameWriter encode(const EnrollConfirm& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::enroll_confirm, request_id);
    w.text(Tag::user, m.user).text(Tag::code, m.code);
    if (!m.factor.empty()) w.text(Tag::factor, m.factor);
    return w;
}

FrameWriter encode(const Done& m, std::uint32_t request_id, MessageType type) {
    FrameWriter w(type, request_id);
    w.text(Tag::message, m.message);
    return w;
}

FrameWriter encode(const BackupCodes& m, std::uint32_t request_id) {
    std::string joined;
    for (const auto& code : m.codes) joined += (joined.empty() ? "" : " ") + code;
    FrameWriter w(MessageType::backup_codes, request_id);
    w.text(Tag::user, m.user).text(Tag::codes, joined);
    explicit_bzero(joined.data(), joined.size());
    return w;
}

FrameWriter encode(const UserStatusReply& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::user_status_reply, request_id);
    w.text(Tag::user, m.user)
        .text(Tag::factor, m.factors)
        .u64(Tag::enrolled_at, m.enrolled_at)
        .u64(Tag::last_verified_at, m.last_verified_at)
        .u32(Tag::failures, m.failures)
        .u64(Tag::locked_until, m.locked_until)
        .u32(Tag::backup_remaining, m.backup_remaining)
        .u64(Tag::disabled_until, m.disabled_until);
    if (!m.recovery_email.empty()) w.text(Tag::address, m.recovery_email);
    return w;
}

FrameWriter encode(const Begin& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::begin, request_id);
    w.text(Tag::user, m.user).text(Tag::service, m.service).text(Tag::rhost, m.rhost).text(Tag::tty, m.tty);
    w.u32(Tag::tries, m.tries);
    if (!m.prompt.empty()) w.text(Tag::prompt, m.prompt);
    if (m.flags != 0) w.u32(Tag::login_flags, m.flags);  // an mfad before protocol 4 refuses the tag
    return w;
}

FrameWriter encode(const Note& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::note, request_id);
    w.text(Tag::message, m.text);
    return w;
}

Result<Note> decode_note(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::message}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(Note{f.text(Tag::message, kMaxPayload)});
}

FrameWriter encode(const Step& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::step, request_id);
    w.u32(Tag::session, m.session).text(Tag::errors, m.errors).text(Tag::message, m.info).text(Tag::prompt, m.prompt);
    w.u32(Tag::echo, m.echo ? 1 : 0);
    return w;
}

FrameWriter encode(const Locked& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::locked, request_id);
    w.u64(Tag::locked_until, m.until);
    return w;
}

FrameWriter encode(const Answer& m, std::uint32_t request_id) { return encode_answer(m.session, m.code, request_id); }

FrameWriter encode_answer(std::uint32_t session, std::string_view code, std::uint32_t request_id) {
    FrameWriter w(MessageType::answer, request_id);
    w.u32(Tag::session, session).text(Tag::code, code);
    return w;
}

FrameWriter encode(const Deny& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::deny, request_id);
    w.text(Tag::message, m.message).u32(Tag::exhausted, m.exhausted ? 1 : 0);
    return w;
}

FrameWriter encode(const BackupCodesRequest& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::backup_codes_generate, request_id);
    w.text(Tag::user, m.user);
    if (!m.code.empty()) w.text(Tag::code, m.code);
    return w;
}

Result<UserRequest> decode_user_request(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(UserRequest{f.text(Tag::user, kMaxUser)});
}

Result<EnrollSecret> decode_enroll_secret(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::secret, Tag::uri}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(EnrollSecret{f.text(Tag::user, kMaxUser), f.text(Tag::secret, kMaxMessage),
                                 f.text(Tag::uri, kMaxPayload)});
}

Result<EnrollConfirm> decode_enroll_confirm(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::code, Tag::factor}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(EnrollConfirm{f.text(Tag::user, kMaxUser), f.text(Tag::code, kMaxCode),
                                  f.text(Tag::factor, kMaxMessage, false)});
}

Result<Done> decode_done(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::message}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(Done{f.text(Tag::message, kMaxMessage)});
}

Result<BackupCodes> decode_backup_codes(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::codes}); !ok) return ok.error();
    FieldReader f(p);
    auto decoded = f.finish(BackupCodes{f.text(Tag::user, kMaxUser), {}});
    if (!decoded) return decoded;
    auto joined = p.text(Tag::codes, kMaxPayload);
    if (!joined) return joined.error();
    // Every space separates two codes: an empty piece anywhere is malformed.
    for (std::size_t at = 0; !joined->empty() && at <= joined->size();) {
        auto end = std::min(joined->find(' ', at), joined->size());
        auto code = joined->substr(at, end - at);
        if (code.empty() || code.size() > kMaxCode || decoded->codes.size() == kMaxBackupCodes ||
            !std::all_of(code.begin(), code.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
            return make_error("payload: malformed backup codes");
        decoded->codes.emplace_back(code);
        at = end + 1;
    }
    return decoded;
}

Result<UserStatusReply> decode_user_status_reply(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::factor, Tag::enrolled_at, Tag::last_verified_at, Tag::failures,
                                Tag::locked_until, Tag::backup_remaining, Tag::disabled_until, Tag::address});
        !ok)
        return ok.error();
    FieldReader f(p);
    return f.finish(UserStatusReply{f.text(Tag::user, kMaxUser), f.text(Tag::factor, kMaxMessage),
                                    f.u64(Tag::enrolled_at), f.u64(Tag::last_verified_at), f.u32(Tag::failures),
                                    f.u64(Tag::locked_until), f.u32(Tag::backup_remaining), f.u64(Tag::disabled_until),
                                    f.text(Tag::address, kMaxMessage, false)});
}

Result<Begin> decode_begin(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::service, Tag::rhost, Tag::tty, Tag::tries, Tag::prompt, Tag::login_flags}); !ok)
        return ok.error();
    FieldReader f(p);
    auto m = f.finish(Begin{f.text(Tag::user, kMaxUser), f.text(Tag::service, kMaxService),
                            f.text(Tag::rhost, kMaxRhost, false), f.text(Tag::tty, kMaxTty, false), f.u32(Tag::tries),
                            f.text(Tag::prompt, kMaxMessage, false), p.has(Tag::login_flags) ? f.u32(Tag::login_flags) : 0});
    if (m && (m->tries < 1 || m->tries > kMaxTries)) return make_error("payload: tries out of range");
    if (m && (m->flags & ~kKnownLoginFlags) != 0) return make_error("payload: unknown login flags");
    return m;
}

Result<Step> decode_step(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::session, Tag::errors, Tag::message, Tag::prompt, Tag::echo}); !ok) return ok.error();
    FieldReader f(p);
    auto m = f.finish(Step{f.u32(Tag::session), f.text(Tag::errors, kMaxMessage), f.text(Tag::message, kMaxPayload),
                           f.text(Tag::prompt, kMaxMessage), f.u32(Tag::echo) != 0});
    if (m && m->prompt.empty()) return make_error("payload: a step without a prompt");
    return m;
}

Result<Locked> decode_locked(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::locked_until}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(Locked{f.u64(Tag::locked_until)});
}

Result<Answer> decode_answer(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::session, Tag::code}); !ok) return ok.error();
    FieldReader f(p);
    auto code = p.raw(Tag::code, kMaxPayload);
    if (!code) return code.error();
    return f.finish(Answer{f.u32(Tag::session), std::string(*code)});
}

Result<Deny> decode_deny(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::message, Tag::exhausted}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(Deny{f.text(Tag::message, kMaxMessage), f.u32(Tag::exhausted) != 0});
}

Result<BackupCodesRequest> decode_backup_codes_request(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::code}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(BackupCodesRequest{f.text(Tag::user, kMaxUser), f.text(Tag::code, kMaxCode, false)});
}

}  // namespace mfa::wire
