#include "mfa/wire/admin_messages.hpp"

#include "field_reader.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::wire {

FrameWriter encode(const AdminAction& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::admin_action, request_id);
    w.text(Tag::user, m.user).text(Tag::action, m.action).text(Tag::reason, m.reason);
    if (m.action == "grace") w.u64(Tag::until, m.until);
    if (m.action == "resync") {
        w.text(Tag::code, m.code).text(Tag::next_code, m.next_code);
        if (!m.factor.empty()) w.text(Tag::factor, m.factor);
    }
    return w;
}

FrameWriter encode(const MigrateStore& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::migrate_store, request_id);
    w.text(Tag::method, m.to).u32(Tag::commit, m.commit ? 1 : 0);
    return w;
}

Result<MigrateStore> decode_migrate_store(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::method, Tag::commit}); !ok) return ok.error();
    FieldReader f(p);
    MigrateStore m{f.text(Tag::method, kMaxService), f.u32(Tag::commit) != 0};
    auto decoded = f.finish(std::move(m));
    if (decoded && decoded->to != "postgresql") return make_error("payload: a store can be migrated to postgresql only");
    return decoded;
}

FrameWriter encode(const AuditVerifyReply& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::audit_verify_reply, request_id);
    w.u64(Tag::rows, m.rows).u64(Tag::broken_id, m.broken_id).text(Tag::message, m.message);
    return w;
}

FrameWriter encode(const AuditList& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::audit_list, request_id);
    w.u64(Tag::after_id, m.after_id).text(Tag::user, m.user).u64(Tag::since, m.since).text(Tag::event, m.event);
    return w;
}

FrameWriter encode(const AuditPage& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::audit_page, request_id);
    w.text(Tag::rows, m.rows).u64(Tag::after_id, m.next_after_id);
    return w;
}

Result<AuditList> decode_audit_list(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::after_id, Tag::user, Tag::since, Tag::event}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(AuditList{f.u64(Tag::after_id), f.text(Tag::user, kMaxUser, false), f.u64(Tag::since),
                              f.text(Tag::event, kMaxService, false)});
}

Result<AuditPage> decode_audit_page(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::rows, Tag::after_id}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(AuditPage{f.text(Tag::rows, kMaxPayload), f.u64(Tag::after_id)});
}

Result<AdminAction> decode_admin_action(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::user, Tag::action, Tag::reason, Tag::until, Tag::code, Tag::next_code, Tag::factor}); !ok)
        return ok.error();
    FieldReader f(p);
    bool resync = p.has(Tag::code) || p.has(Tag::next_code);
    AdminAction m{f.text(Tag::user, kMaxUser), f.text(Tag::action, kMaxService), f.text(Tag::reason, kMaxMessage, false),
                  p.has(Tag::until) ? f.u64(Tag::until) : 0, f.text(Tag::code, kMaxCode, resync),
                  f.text(Tag::next_code, kMaxCode, resync), f.text(Tag::factor, kMaxFactorName, false)};
    auto decoded = f.finish(std::move(m));
    if (decoded && decoded->action != "unlock" && decoded->action != "reset" && decoded->action != "grace" &&
        decoded->action != "resync")
        return make_error("payload: unknown admin action");
    if (decoded && (decoded->action == "grace") != p.has(Tag::until))
        return make_error("payload: grace, and only grace, takes a time");
    if (decoded && (decoded->action == "resync") != resync)
        return make_error("payload: resync, and only resync, takes codes");
    if (decoded && decoded->action != "resync" && p.has(Tag::factor))
        return make_error("payload: only resync names a factor");
    return decoded;
}

Result<AuditVerifyReply> decode_audit_verify_reply(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::rows, Tag::broken_id, Tag::message}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(AuditVerifyReply{f.u64(Tag::rows), f.u64(Tag::broken_id), f.text(Tag::message, kMaxMessage)});
}

FrameWriter encode(const AdminRekey& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::admin_rekey, request_id);
    if (!m.key.empty()) w.text(Tag::secret, m.key);
    return w;
}

FrameWriter encode(const RekeyStatus& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::rekey_status, request_id);
    w.text(Tag::old_key, m.old_key).text(Tag::new_key, m.new_key).u64(Tag::resealed, m.resealed);
    if (m.remaining) w.u64(Tag::remaining, *m.remaining);
    w.u32(Tag::finished, m.finished ? 1 : 0).text(Tag::message, m.problem);
    return w;
}

Result<AdminRekey> decode_admin_rekey(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::secret}); !ok) return ok.error();
    FieldReader f(p);
    auto m = f.finish(AdminRekey{f.text(Tag::secret, kMaxSecretText, false)});
    if (m && !valid_identifier_text(m->key)) return make_error("payload: invalid key");
    return m;
}

Result<RekeyStatus> decode_rekey_status(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::old_key, Tag::new_key, Tag::resealed, Tag::remaining, Tag::finished, Tag::message}); !ok)
        return ok.error();
    FieldReader f(p);
    RekeyStatus m{f.text(Tag::old_key, 64, false), f.text(Tag::new_key, 64, false), f.u64(Tag::resealed), std::nullopt,
                  f.u32(Tag::finished) != 0, f.text(Tag::message, kMaxMessage, false)};
    if (p.has(Tag::remaining)) m.remaining = f.u64(Tag::remaining);
    return f.finish(std::move(m));
}

}  // namespace mfa::wire
