#include "mfa/wire/push_messages.hpp"

#include <algorithm>

#include "field_reader.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "mfa/wire/login_messages.hpp"

namespace mfa::wire {

bool valid_device_id(std::string_view id) {
    return !id.empty() && id.size() <= kMaxDevice && id.front() != '-' && id.front() != '.' &&
           std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == ':' || c == '/' || c == '-';
           }) &&
           id.find("..") == std::string_view::npos;
}

FrameWriter encode(const PushSend& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::push_send, request_id);
    w.text(Tag::device, m.device).text(Tag::message, m.text).u32(Tag::number, m.number);
    w.u64(Tag::correlation, m.correlation).text(Tag::user, m.user).text(Tag::host, m.host);
    w.text(Tag::service, m.service).text(Tag::rhost, m.rhost).u64(Tag::since, m.time).u32(Tag::timeout_s, m.timeout_s);
    return w;
}

FrameWriter encode(const PushCreated& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::push_created, request_id);
    w.text(Tag::message_id, m.challenge_id);
    return w;
}

FrameWriter encode(const PushResult& m, std::uint32_t request_id) {
    FrameWriter w(MessageType::push_result, request_id);
    w.text(Tag::push_status, m.status).u32(Tag::number, m.number).u32(Tag::not_me, m.not_me ? 1 : 0);
    w.u32(Tag::number_unreported, m.number_unreported ? 1 : 0);
    return w;
}

Result<PushSend> decode_push_send(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::device, Tag::message, Tag::number, Tag::correlation, Tag::user, Tag::host,
                                Tag::service, Tag::rhost, Tag::since, Tag::timeout_s});
        !ok)
        return ok.error();
    FieldReader f(p);
    auto m = f.finish(PushSend{f.text(Tag::device, kMaxDevice), f.text(Tag::message, kMaxNotifyText),
                               f.u32(Tag::number), f.u64(Tag::correlation), f.text(Tag::user, kMaxUser),
                               f.text(Tag::host, kMaxHost), f.text(Tag::service, kMaxService, false),
                               f.text(Tag::rhost, kMaxRhost, false), f.u64(Tag::since), f.u32(Tag::timeout_s)});
    if (!m) return m;
    if (!valid_device_id(m->device)) return make_error("payload: invalid device id");
    if (m->number < 10 || m->number > 99) return make_error("payload: the number to pick is not two digits");
    if (m->timeout_s == 0 || m->timeout_s > kMaxPushSeconds) return make_error("payload: invalid push timeout");
    // Each of these reaches a provider's form or a program's stdin as one line.
    for (const auto* text : {&m->user, &m->host, &m->service, &m->rhost})
        if (!valid_identifier_text(*text)) return make_error("payload: a control character in a push field");
    return m;
}

Result<PushCreated> decode_push_created(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::message_id}); !ok) return ok.error();
    FieldReader f(p);
    return f.finish(PushCreated{f.text(Tag::message_id, kMaxMessageId, false)});
}

Result<PushResult> decode_push_result(const PayloadReader& p) {
    if (auto ok = p.allow_only({Tag::push_status, Tag::number, Tag::not_me, Tag::number_unreported}); !ok) return ok.error();
    FieldReader f(p);
    auto m = f.finish(PushResult{f.text(Tag::push_status, kMaxPushStatus), f.u32(Tag::number), f.u32(Tag::not_me) != 0,
                                 f.u32(Tag::number_unreported) != 0});
    if (!m) return m;
    if (m->status != "approved" && m->status != "denied" && m->status != "expired")
        return make_error("payload: unknown push status");
    if (m->number > 99) return make_error("payload: the picked number is not two digits");
    return m;
}

}  // namespace mfa::wire
