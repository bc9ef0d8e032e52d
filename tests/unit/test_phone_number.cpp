// Phone numbers through libphonenumber: E.164 out, masked for display, and
// the lines that cannot take (or must not get) a text message refused.
#include "cmocka.hpp"
#include "factors/sms/phone_number.hpp"
#include "sender/sent_codes.hpp"
#include "crypto/master_key.hpp"

using namespace mfa::daemon;

namespace {

void numbers_parse_to_e164_and_mask(void**) {
    for (const char* spelling : {"+14155550123", "+1 (415) 555-0123", "+1 415 555 0123"}) {
        auto phone = parse_phone_number(spelling);
        if (!phone) fail_msg("%s: %s", spelling, phone.error().message.c_str());
        assert_str_eq(phone->e164, "+14155550123");
        assert_str_eq(phone->masked, "+1\u2022\u2022\u2022\u2022\u2022\u2022\u2022123");
    }
    auto uk = parse_phone_number("+44 7911 123456");
    assert_true(uk.ok());
    assert_str_eq(uk->masked, "+44\u2022\u2022\u2022\u2022\u2022\u2022\u2022456");
}

void numbers_that_cannot_take_a_text_are_refused(void**) {
    const std::vector<std::pair<const char*, const char*>> refused = {
        {"+19005550123", "premium-rate"}, {"+18005550123", "toll-free"}, {"4155550123", "international form"},
        {"+1 555", "not a valid phone number"}, {"", "international form"}, {"+abc", "not a phone number"},
        {"+1415555012345678901234567890123", "international form"}};
    for (const auto& [text, why] : refused) {
        auto phone = parse_phone_number(text);
        if (phone) fail_msg("accepted %s", text);
        assert_contains(phone.error().message, why);
    }
}

void sent_codes_are_random_digits_and_bound_hashes(void**) {
    std::vector<std::uint8_t> bytes(32, 3);
    auto key = *MasterKey::from_bytes(bytes);
    SentCodes codes(key);
    auto a = codes.hash_code("alice", 1, "123456");
    assert_true(a.ok());
    assert_true(*a == *codes.hash_code("alice", 1, "123456"));
    assert_false(*a == *codes.hash_code("alice", 2, "123456"));  // another factor
    assert_false(*a == *codes.hash_code("alicf", 1, "123456"));  // another user
    assert_false(*codes.hash_code("ab", 1, "c") == *codes.hash_code("a", 1, "bc"));  // no running together
    std::vector<std::uint8_t> other_bytes(32, 4);
    auto other_key = *MasterKey::from_bytes(other_bytes);
    assert_false(*a == *SentCodes(other_key).hash_code("alice", 1, "123456"));
    // Every digit shows up, and nothing else.
    std::string seen;
    for (int i = 0; i < 200; ++i) seen += *random_digits(6);
    for (char d = '0'; d <= '9'; ++d) assert_true(seen.find(d) != std::string::npos);
    assert_true(is_digits(seen.substr(0, 6), 6));
    assert_false(is_digits("12345a", 6));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_parse_to_e164_and_mask),
        cmocka_unit_test(numbers_that_cannot_take_a_text_are_refused),
        cmocka_unit_test(sent_codes_are_random_digits_and_bound_hashes),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
