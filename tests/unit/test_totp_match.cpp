// match_totp: the window, the step it reports, and malformed codes; and
// match_counter, which HOTP tokens use, against RFC 4226's vectors.
#include "factors/otp_match.hpp"
#include "factors/totp/totp_match.hpp"
#include "cmocka.hpp"

using namespace mfa::daemon;

namespace {

const std::vector<std::uint8_t> kSecret = {'1', '2', '3', '4', '5', '6', '7', '8', '9', '0',
                                           '1', '2', '3', '4', '5', '6', '7', '8', '9', '0'};
constexpr std::int64_t kNow = 1111111111;  // step 37037037

std::string code_at(std::int64_t when) { return *mfa::otp::totp(kSecret, when, 30, 6, mfa::otp::Algorithm::sha1); }

void accepts_within_the_window_and_names_the_step(void**) {
    Config::Totp totp;  // window 1
    assert_true(match_totp(kSecret, code_at(kNow), kNow, totp) == 37037037);
    assert_true(match_totp(kSecret, code_at(kNow - 30), kNow, totp) == 37037036);
    assert_true(match_totp(kSecret, code_at(kNow + 30), kNow, totp) == 37037038);
    assert_false(match_totp(kSecret, code_at(kNow + 60), kNow, totp).has_value());
    assert_false(match_totp(kSecret, code_at(kNow - 60), kNow, totp).has_value());
    totp.window = 2;
    assert_true(match_totp(kSecret, code_at(kNow - 60), kNow, totp) == 37037035);
    totp.window = 0;
    assert_false(match_totp(kSecret, code_at(kNow - 30), kNow, totp).has_value());
    assert_true(match_totp(kSecret, code_at(kNow), kNow, totp) == 37037037);
}

// Steps 50424280 and 50424281 of RFC 6238's key share the code 070562 (found
// with Python's hmac, an implementation apart from ours). With the first
// spent, the second is still let in; a code only a spent step has is named
// for the store to refuse as a replay.
void a_code_shared_with_a_spent_step_lets_the_new_step_in(void**) {
    constexpr std::int64_t kLater = 50424281LL * 30 + 5;
    assert_str_eq(code_at(kLater - 30).c_str(), "070562");
    assert_str_eq(code_at(kLater).c_str(), "070562");
    Config::Totp totp;  // window 1
    assert_true(match_totp(kSecret, "070562", kLater, totp) == 50424280);  // nothing spent: the lowest
    assert_true(match_totp(kSecret, "070562", kLater, totp, 50424280) == 50424281);
    assert_true(match_totp(kSecret, "070562", kLater, totp, 50424281) == 50424280);  // both spent: a replay
    assert_true(match_totp(kSecret, code_at(kLater + 30), kLater, totp, 50424281) == 50424282);
    assert_false(match_totp(kSecret, code_at(kLater + 60), kLater, totp, 50424281).has_value());
}

void follows_digits_and_algorithm(void**) {
    Config::Totp totp{8, 30, 1, mfa::otp::Algorithm::sha1};
    assert_true(match_totp(kSecret, "07081804", kNow - 2, totp).has_value());  // RFC 6238 vector at 1111111109
    assert_false(match_totp(kSecret, "081804", kNow - 2, totp).has_value());
    totp.algorithm = mfa::otp::Algorithm::sha256;
    assert_false(match_totp(kSecret, "07081804", kNow - 2, totp).has_value());
}

void refuses_malformed_codes(void**) {
    Config::Totp totp;
    std::string right = code_at(kNow);
    for (const std::string& bad : {std::string(""), right.substr(0, 5), right + "0", " " + right.substr(1),
                                   right.substr(0, 5) + "a", std::string("\xd9\xa0") + right.substr(2)})
        assert_false(match_totp(kSecret, bad, kNow, totp).has_value());
}

// RFC 4226 appendix D: the key "12345678901234567890", counters 0 to 9.
const char* const kRfc4226[] = {"755224", "287082", "359152", "969429", "338314",
                                "254676", "287922", "162583", "399871", "520489"};

void match_counter_finds_rfc4226_codes_ahead(void**) {
    for (std::int64_t counter = 0; counter < 10; ++counter) {
        auto found = match_counter(kSecret, kRfc4226[counter], 0, 9, 6, mfa::otp::Algorithm::sha1);
        assert_true(found == counter);
    }
    // Only inside [first, last]: a code behind the last one used never matches.
    assert_false(match_counter(kSecret, kRfc4226[3], 4, 14, 6, mfa::otp::Algorithm::sha1).has_value());
    assert_false(match_counter(kSecret, kRfc4226[9], 0, 8, 6, mfa::otp::Algorithm::sha1).has_value());
    assert_true(match_counter(kSecret, kRfc4226[9], 9, 9, 6, mfa::otp::Algorithm::sha1) == 9);
    assert_false(match_counter(kSecret, "75522", 0, 9, 6, mfa::otp::Algorithm::sha1).has_value());
    assert_false(match_counter(kSecret, "0755224", 0, 9, 6, mfa::otp::Algorithm::sha1).has_value());
}

void totp_settings_take_a_factors_own_shape(void**) {
    Config::Totp config;  // 6 digits, 30 s, ±1
    auto same = totp_settings(config, OtpShape{});
    assert_int_equal(same.digits, 6);
    assert_int_equal(same.period, 30);
    assert_int_equal(same.window, 1);
    auto own = totp_settings(config, OtpShape{8, 60, 0});
    assert_int_equal(own.digits, 8);
    assert_int_equal(own.period, 60);
    assert_int_equal(own.window, 0);
    // An 8-digit, 60-second authenticator's code at its own step.
    auto code = *mfa::otp::totp(kSecret, kNow, 60, 8, mfa::otp::Algorithm::sha1);
    assert_true(match_totp(kSecret, code, kNow, own) == kNow / 60);
    assert_false(match_totp(kSecret, code, kNow, config).has_value());
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {cmocka_unit_test(accepts_within_the_window_and_names_the_step),
                                cmocka_unit_test(a_code_shared_with_a_spent_step_lets_the_new_step_in),
                                cmocka_unit_test(follows_digits_and_algorithm), cmocka_unit_test(refuses_malformed_codes),
                                cmocka_unit_test(match_counter_finds_rfc4226_codes_ahead),
                                cmocka_unit_test(totp_settings_take_a_factors_own_shape)};
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
