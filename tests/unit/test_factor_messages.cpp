// The backup code, disable and stats messages: round trips, and the rules
// both ends apply to a disable request.
#include <vector>

#include "cmocka.hpp"
#include "mfa/email_address.hpp"
#include "mfa/wire/admin_messages.hpp"
#include "mfa/wire/factor_messages.hpp"
#include "mfa/wire/login_messages.hpp"
#include "mfa/wire/push_messages.hpp"

using namespace mfa::wire;

namespace {

PayloadReader payload_of(FrameWriter& w, std::vector<std::uint8_t>& storage) {
    auto bytes = w.finish();
    assert_true(bytes.ok());
    storage.assign(bytes->begin() + kHeaderSize, bytes->end());
    auto reader = PayloadReader::parse(storage);
    assert_true(reader.ok());
    return *reader;
}

void backup_codes_round_trip_and_refuse_junk(void**) {
    std::vector<std::uint8_t> storage;
    auto w = encode(BackupCodes{"ann", {"Abc123defG", "zz99YY88xx"}}, 1);
    auto decoded = decode_backup_codes(payload_of(w, storage));
    assert_true(decoded.ok());
    assert_str_eq(decoded->user, "ann");
    assert_int_equal(decoded->codes.size(), 2);
    assert_str_eq(decoded->codes[1], "zz99YY88xx");

    for (const char* junk : {"Abc123defG  zz99YY88xx", "Abc-123", " Abc123defG", "Abc123defG "}) {
        FrameWriter bad(MessageType::backup_codes, 2);
        bad.text(Tag::user, "ann").text(Tag::codes, junk);
        if (decode_backup_codes(payload_of(bad, storage)).ok()) fail_msg("accepted \"%s\"", junk);
    }
}

void disable_round_trips(void**) {
    std::vector<std::uint8_t> storage;
    AdminDisable request{"fay", "HD-1", "lost phone", "jo@example.com", "with-claim", true};
    auto w = encode(request, 3);
    auto decoded = decode_admin_disable(payload_of(w, storage));
    assert_true(decoded.ok());
    assert_str_eq(decoded->operator_email, "jo@example.com");
    assert_true(decoded->commit);

    auto r = encode(DisableReport{"committed", true, false, 8, true, 3, 1800000000}, 4);
    auto report = decode_disable_report(payload_of(r, storage));
    assert_true(report.ok());
    assert_int_equal(report->backup_voided, 8);
    assert_int_equal(report->failures_cleared, 3);
    assert_true(report->totp_removed && !report->pending_removed && report->lock_cleared);

    auto odd = encode(DisableReport{"maybe", false, false, 0, false, 0, 0}, 5);
    assert_false(decode_disable_report(payload_of(odd, storage)).ok());
}

void disable_requests_need_every_field(void**) {
    AdminDisable good{"fay", "None Provided", "None Provided", "first.last+hd@mail.example.org", "none-provided", false};
    assert_str_eq(disable_request_problem(good), "");
    auto with = [&](auto change) {
        AdminDisable m = good;
        change(m);
        return disable_request_problem(m);
    };
    assert_contains(with([](AdminDisable& m) { m.ticket.clear(); }), "--ticket");
    assert_contains(with([](AdminDisable& m) { m.ticket = std::string(129, 'x'); }), "--ticket");
    assert_contains(with([](AdminDisable& m) { m.reason.clear(); }), "--reason");
    assert_contains(with([](AdminDisable& m) { m.reason = "two\nlines"; }), "--reason");
    assert_contains(with([](AdminDisable& m) { m.method = "with_claim"; }), "--verification-method");
    for (const char* email : {"", "jo", "jo@", "@example.com", "jo@example", "jo@@example.com", "j o@example.com",
                              "jo@example..com", "jo@.example.com", "jo@example.com.", "\"jo\"@example.com"}) {
        auto problem = with([&](AdminDisable& m) { m.operator_email = email; });
        if (problem.find("--operator") == std::string::npos) fail_msg("accepted operator \"%s\"", email);
    }
}

void stats_and_notices_round_trip(void**) {
    std::vector<std::uint8_t> storage;
    auto w = encode(StatsReply{"mfad_verify_ok_total 3\n"}, 6);
    auto stats = decode_stats_reply(payload_of(w, storage));
    assert_true(stats.ok());
    assert_str_eq(stats->counters, "mfad_verify_ok_total 3\n");

    auto allow = encode(Done{"Backup code accepted."}, 7, MessageType::allow);
    auto bytes = allow.finish();
    assert_true(bytes.ok());
    assert_int_equal((*bytes)[7], static_cast<int>(MessageType::allow));
}

void factor_messages_round_trip_and_refuse_junk(void**) {
    std::vector<std::uint8_t> storage;
    FactorsReply list{"alice",
                      {{"app", "totp", "active", true, 1700000000, 0, "authenticator app \"app\""},
                       {"sms", "sms", "pending", false, 1700000001, 1700000002, "text message to +1\u2022\u2022\u2022123"}}};
    auto w = encode(list, 1);
    auto back = decode_factors_reply(payload_of(w, storage));
    assert_true(back.ok());
    assert_int_equal(back->factors.size(), 2);
    assert_true(back->factors[0].primary);
    assert_str_eq(back->factors[1].description, "text message to +1\u2022\u2022\u2022123");
    assert_int_equal(back->factors[1].last_used_at, 1700000002);

    // A tab or newline inside a field would shift every later one: refused when decoding.
    FactorsReply smuggled{"alice", {{"app", "totp", "active", false, 1, 0, "a\tb"}}};
    auto bad = encode(smuggled, 1);
    assert_false(decode_factors_reply(payload_of(bad, storage)).ok());

    auto start = encode(EnrollStart{"alice", "sms", "work-phone", "+14155550123", "123456"}, 2);
    auto started = decode_enroll_start(payload_of(start, storage));
    assert_true(started.ok());
    assert_str_eq(started->destination, "+14155550123");
    assert_str_eq(started->code, "123456");
    auto bad_name = encode(EnrollStart{"alice", "totp", "my phone", "", ""}, 2);
    assert_false(decode_enroll_start(payload_of(bad_name, storage)).ok());
    // An ENROLL_START of the user alone (mfactl before several factors) is a TOTP one.
    auto old = encode(MessageType::enroll_start, UserRequest{"alice"}, 3);
    assert_str_eq(decode_enroll_start(payload_of(old, storage))->kind, "totp");

    auto change = encode(FactorChangeRequest{"alice", "remove", "sms", "123456", "HD-1"}, 4);
    assert_str_eq(decode_factor_change(payload_of(change, storage))->reason, "HD-1");
    auto unknown = encode(FactorChangeRequest{"alice", "rename", "sms", "", ""}, 4);
    assert_false(decode_factor_change(payload_of(unknown, storage)).ok());

    auto send = encode(NotifySend{"sms", "+14155550123", "Your code is 123456", 42}, 5);
    auto sent = decode_notify_send(payload_of(send, storage));
    assert_int_equal(sent->correlation, 42);
    auto to_nobody = encode(NotifySend{"sms", "", "x", 1}, 5);
    assert_false(decode_notify_send(payload_of(to_nobody, storage)).ok());

    assert_true(valid_factor_name("tablet-2.home_x"));
    for (const char* name : {"", "-x", "a b", "a/b", "a\x1b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
        assert_false(valid_factor_name(name));
}

void recovery_and_login_messages_round_trip_and_refuse_junk(void**) {
    std::vector<std::uint8_t> storage;
    auto set = encode(RecoveryEmailSet{"alice", "alice@example.com", "123456"}, 1);
    auto back = decode_recovery_email_set(payload_of(set, storage));
    assert_true(back.ok());
    assert_str_eq(back->address, "alice@example.com");
    for (const char* address : {"a@example.com\r\nBcc: b@example.org", "Alice <a@example.com>", "a@b", "-x@example.com"}) {
        auto bad = encode(RecoveryEmailSet{"alice", address, ""}, 1);
        if (decode_recovery_email_set(payload_of(bad, storage)).ok()) fail_msg("decoded %s", address);
    }
    auto confirm = encode(RecoveryEmailConfirm{"alice", "AbCdEfGh1234"}, 2);
    assert_str_eq(decode_recovery_email_confirm(payload_of(confirm, storage))->code, "AbCdEfGh1234");

    auto begin = encode(Begin{"alice", "sshd", "", "ssh", 3, "", kSilent | kNoTerminal}, 3);
    assert_int_equal(decode_begin(payload_of(begin, storage))->flags, kSilent | kNoTerminal);
    // No flags: the BEGIN of a module before protocol 4, byte for byte.
    auto plain = encode(Begin{"alice", "sshd", "", "ssh", 3, ""}, 3);
    assert_false(payload_of(plain, storage).has(Tag::login_flags));
    auto unknown = encode(Begin{"alice", "sshd", "", "ssh", 3, "", 64}, 3);
    assert_false(decode_begin(payload_of(unknown, storage)).ok());

    auto note = encode(Note{std::string(3000, 'x')}, 4);
    assert_int_equal(decode_note(payload_of(note, storage))->text.size(), 3000);

    auto grace = encode(AdminAction{"alice", "grace", "HD-7", 1900000000}, 5);
    assert_int_equal(decode_admin_action(payload_of(grace, storage))->until, 1900000000);
    auto unlock_with_time = encode(AdminAction{"alice", "unlock", "", 0}, 5);
    assert_true(decode_admin_action(payload_of(unlock_with_time, storage)).ok());

    auto mail = encode(NotifySend{"email", "a@example.com", "body", 9, "Your code"}, 6);
    assert_str_eq(decode_notify_send(payload_of(mail, storage))->subject, "Your code");
    auto header_in_subject = encode(NotifySend{"email", "a@example.com", "body", 9, "x\r\nBcc: b@example.org"}, 6);
    assert_false(decode_notify_send(payload_of(header_in_subject, storage)).ok());
}

void push_messages_round_trip_and_refuse_junk(void**) {
    std::vector<std::uint8_t> storage;
    PushSend push{"ident-1/YF0123", "Login of alice to host1. Pick 42.", 42, 7, "alice", "host1", "sshd", "203.0.113.5",
                  1796000000, 60};
    auto w = encode(push, 1);
    auto back = decode_push_send(payload_of(w, storage));
    assert_true(back.ok());
    assert_str_eq(back->device, "ident-1/YF0123");
    assert_int_equal(back->number, 42);
    assert_str_eq(back->rhost, "203.0.113.5");
    assert_int_equal(back->timeout_s, 60);
    // What reaches a URL or a program's stdin is checked by the sender too.
    for (const char* device : {"", "-x", ".hidden", "a/../b", "a b", "a?b", "a\nb"}) {
        PushSend bad = push;
        bad.device = device;
        auto e = encode(bad, 1);
        assert_false(decode_push_send(payload_of(e, storage)).ok());
    }
    for (std::uint32_t number : {0u, 9u, 100u}) {
        PushSend bad = push;
        bad.number = number;
        auto e = encode(bad, 1);
        assert_false(decode_push_send(payload_of(e, storage)).ok());
    }
    PushSend control = push;
    control.rhost = "host\x1b[2J";
    auto c = encode(control, 1);
    assert_false(decode_push_send(payload_of(c, storage)).ok());
    PushSend forever = push;
    forever.timeout_s = 601;
    auto f = encode(forever, 1);
    assert_false(decode_push_send(payload_of(f, storage)).ok());

    auto result = encode(PushResult{"denied", 0, true, false}, 2);
    auto got = decode_push_result(payload_of(result, storage));
    assert_true(got.ok() && got->not_me && got->status == "denied" && !got->number_unreported);
    auto twilio = encode(PushResult{"approved", 0, false, true}, 2);
    assert_true(decode_push_result(payload_of(twilio, storage))->number_unreported);
    auto pending = encode(PushResult{"pending", 0, false, false}, 2);
    assert_false(decode_push_result(payload_of(pending, storage)).ok());
    auto created = encode(PushCreated{"ch-1"}, 3);
    assert_str_eq(decode_push_created(payload_of(created, storage))->challenge_id, "ch-1");
}

void email_addresses_are_plain_and_masked(void**) {
    for (const char* good : {"a@example.com", "first.last+tag@mail.example.co.uk", "x_y%z-1@a-b.example"})
        if (!mfa::valid_email_address(good)) fail_msg("refused %s", good);
    std::string long_local(65, 'a'), long_label(64, 'b');
    for (const std::string& bad :
         {std::string(""), std::string("a"), std::string("@example.com"), std::string("a@"), std::string("a@@example.com"),
          std::string("a@b@example.com"), std::string(".a@example.com"), std::string("a.@example.com"),
          std::string("a..b@example.com"), std::string("-a@example.com"), std::string("a@-example.com"),
          std::string("a@example-.com"), std::string("a@localhost"), std::string("a b@example.com"),
          std::string("a@example.com\n"), std::string("\"a\"@example.com"), std::string("a@[127.0.0.1]"),
          std::string("A <a@example.com>"), std::string("a@exa\xc3\xa9mple.com"), long_local + "@example.com",
          "a@" + long_label + ".com", std::string(250, 'a') + "@example.com"})
        if (mfa::valid_email_address(bad)) fail_msg("accepted %s", bad.c_str());
    assert_str_eq(mfa::canonical_email_address("Rita.M@EXAMPLE.Com"), "Rita.M@example.com");
    assert_str_eq(mfa::mask_email_address("alice@example.com"), "a\u2022\u2022\u2022@example.com");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(backup_codes_round_trip_and_refuse_junk),
        cmocka_unit_test(disable_round_trips),
        cmocka_unit_test(disable_requests_need_every_field),
        cmocka_unit_test(stats_and_notices_round_trip),
        cmocka_unit_test(factor_messages_round_trip_and_refuse_junk),
        cmocka_unit_test(recovery_and_login_messages_round_trip_and_refuse_junk),
        cmocka_unit_test(email_addresses_are_plain_and_masked),
        cmocka_unit_test(push_messages_round_trip_and_refuse_junk),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
