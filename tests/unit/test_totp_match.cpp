// match_totp: the window, the step it reports, and malformed codes.
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

}  // namespace

int main() {
    const CMUnitTest tests[] = {cmocka_unit_test(accepts_within_the_window_and_names_the_step),
                                cmocka_unit_test(follows_digits_and_algorithm), cmocka_unit_test(refuses_malformed_codes)};
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
