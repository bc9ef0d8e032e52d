// Frame decoder: header, TLV payload and every typed message decoder, plus the
// property that whatever decodes re-encodes to something that decodes the same.
#include <cstring>

#include "mfa/wire/admin_messages.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "mfa/wire/login_messages.hpp"
#include "mfa/wire/messages.hpp"
#include "mfa/wire/push_messages.hpp"

using namespace mfa::wire;

namespace {

void check_hello_round_trip(const PayloadReader& payload) {
    auto hello = decode_hello(payload);
    if (!hello) return;
    auto again = encode(*hello, 1);
    auto bytes = again.finish();
    if (!bytes) return;  // a decoded HELLO always fits, but the cap is not ours to assume here
    auto reparsed = PayloadReader::parse(bytes->subspan(kHeaderSize));
    if (!reparsed) __builtin_trap();
    auto same = decode_hello(*reparsed);
    if (!same || same->protocol_min != hello->protocol_min || same->protocol_max != hello->protocol_max ||
        same->software != hello->software)
        __builtin_trap();
}

// Backup codes travel as one joined field: the split must round-trip exactly.
void check_backup_codes_round_trip(const PayloadReader& payload) {
    auto set = decode_backup_codes(payload);
    if (!set) return;
    auto again = encode(*set, 1);
    auto bytes = again.finish();
    if (!bytes) return;
    auto reparsed = PayloadReader::parse(bytes->subspan(kHeaderSize));
    if (!reparsed) __builtin_trap();
    auto same = decode_backup_codes(*reparsed);
    if (!same || same->user != set->user || same->codes != set->codes) __builtin_trap();
}

// The factor list travels as lines of tab-separated fields: it must round-trip exactly.
void check_factors_round_trip(const PayloadReader& payload) {
    auto list = decode_factors_reply(payload);
    if (!list) return;
    auto again = encode(*list, 1);
    auto bytes = again.finish();
    if (!bytes) return;
    auto reparsed = PayloadReader::parse(bytes->subspan(kHeaderSize));
    if (!reparsed) __builtin_trap();
    auto same = decode_factors_reply(*reparsed);
    if (!same || same->user != list->user || same->factors.size() != list->factors.size()) __builtin_trap();
    for (std::size_t i = 0; i < list->factors.size(); ++i) {
        const auto &a = list->factors[i], &b = same->factors[i];
        if (a.name != b.name || a.kind != b.kind || a.state != b.state || a.primary != b.primary ||
            a.created_at != b.created_at || a.last_used_at != b.last_used_at || a.description != b.description)
            __builtin_trap();
    }
}

void decode_every_message(const PayloadReader& p) {
    (void)decode_hello_ok(p);
    (void)decode_error(p);
    (void)decode_status_reply(p);
    (void)decode_empty(p);
    (void)decode_user_request(p);
    (void)decode_enroll_secret(p);
    (void)decode_enroll_confirm(p);
    (void)decode_done(p);
    (void)decode_user_status_reply(p);
    (void)decode_begin(p);
    (void)decode_step(p);
    (void)decode_locked(p);
    (void)decode_answer(p);
    (void)decode_deny(p);
    (void)decode_admin_action(p);
    (void)decode_audit_verify_reply(p);
    (void)decode_audit_list(p);
    (void)decode_audit_page(p);
    (void)decode_stats_reply(p);
    (void)decode_disable_report(p);
    if (auto disable = decode_admin_disable(p)) (void)disable_request_problem(*disable);
    (void)decode_enroll_start(p);
    (void)decode_factor_change(p);
    (void)decode_notify_send(p);
    (void)decode_notify_sent(p);
    (void)decode_note(p);
    (void)decode_recovery_email_set(p);
    (void)decode_recovery_email_confirm(p);
    (void)decode_import_factor(p);
    (void)decode_admin_rekey(p);
    (void)decode_rekey_status(p);
    (void)decode_push_created(p);
    (void)decode_push_result(p);
}

// What reaches a push provider must decode the same after re-encoding, and
// keep the rules the sender relies on (device id, two-digit number).
void check_push_send_round_trip(const PayloadReader& payload) {
    auto push = decode_push_send(payload);
    if (!push) return;
    if (!valid_device_id(push->device) || push->number < 10 || push->number > 99) __builtin_trap();
    auto again = encode(*push, 1);
    auto bytes = again.finish();
    if (!bytes) return;
    auto reparsed = PayloadReader::parse(bytes->subspan(kHeaderSize));
    if (!reparsed) __builtin_trap();
    auto same = decode_push_send(*reparsed);
    if (!same || same->device != push->device || same->text != push->text || same->number != push->number ||
        same->user != push->user || same->rhost != push->rhost || same->timeout_s != push->timeout_s)
        __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size >= kHeaderSize) {
        std::array<std::uint8_t, kHeaderSize> raw{};
        std::memcpy(raw.data(), data, kHeaderSize);
        auto header = decode_header(raw);
        if (header && header->length > kMaxPayload) __builtin_trap();
    }
    std::span<const std::uint8_t> payload(data, size);
    auto reader = PayloadReader::parse(payload);
    if (!reader) return 0;
    decode_every_message(*reader);
    check_hello_round_trip(*reader);
    check_backup_codes_round_trip(*reader);
    check_factors_round_trip(*reader);
    check_push_send_round_trip(*reader);
    return 0;
}
