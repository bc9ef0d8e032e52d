// mfad-notify's RFC 5322 messages: the header block is exactly what it
// builds, whatever the parts hold; parts that could add a header are refused.
#include "cmocka.hpp"
#include "notify/mail_message.hpp"

using mfa::notify::MailParts;
using mfa::notify::build_mail_message;

namespace {

MailParts parts() {
    return MailParts{"mfa@example.com", "alice@example.com", "Your mfad recovery code",
                     "Recovery code: AbCd1234EfGh\nBcc: everyone@example.org\n\nTo: x@example.org", 1764460800,
                     "<mfad.0123456789abcdef0123456789abcdef@example.com>"};
}

std::string headers_of(const std::string& message) { return message.substr(0, message.find("\n\n") + 1); }

void the_header_block_is_fixed(void**) {
    auto message = build_mail_message(parts());
    assert_true(message.ok());
    assert_str_eq(headers_of(*message),
                  "From: mfa@example.com\nTo: alice@example.com\nSubject: Your mfad recovery code\n"
                  "Date: Sun, 30 Nov 2025 00:00:00 +0000\nMessage-ID: <mfad.0123456789abcdef0123456789abcdef@example.com>\n"
                  "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
                  "Auto-Submitted: auto-generated\n");
    // "Bcc:" in the body is words after the blank line, not a header.
    assert_contains(message->substr(message->find("\n\n")), "\nBcc: everyone@example.org\n");
}

void parts_that_could_add_a_header_are_refused(void**) {
    for (const char* to : {"alice@example.com\nBcc: b@example.org", "Alice <alice@example.com>", "alice@example.com, b@example.org"}) {
        auto p = parts();
        p.to = to;
        if (build_mail_message(p).ok()) fail_msg("built a mail to %s", to);
    }
    auto p = parts();
    p.subject = "code\r\nBcc: b@example.org";
    assert_false(build_mail_message(p).ok());
    p = parts();
    p.subject = "caf\xc3\xa9";  // mfad's subjects are ASCII; nothing else is encoded here
    assert_false(build_mail_message(p).ok());
    p = parts();
    p.body = "line\x1b[2J";
    assert_false(build_mail_message(p).ok());
    p = parts();
    p.from = "mfa";
    assert_false(build_mail_message(p).ok());
}

void message_ids_are_unique(void**) {
    auto a = mfa::notify::new_message_id("mfa@example.com"), b = mfa::notify::new_message_id("mfa@example.com");
    assert_true(a.ok() && b.ok());
    assert_true(*a != *b);
    assert_int_equal(a->size(), std::string("<mfad.@example.com>").size() + 32);
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(the_header_block_is_fixed),
        cmocka_unit_test(parts_that_could_add_a_header_are_refused),
        cmocka_unit_test(message_ids_are_unique),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
