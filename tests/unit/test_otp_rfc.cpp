// RFC 4226 Appendix D and RFC 6238 Appendix B, every vector.
#include "cmocka.hpp"
#include "mfa/otp.hpp"

#include <cstring>
#include <vector>

using mfa::otp::Algorithm;

namespace {

std::vector<std::uint8_t> ascii(const char* s) { return {s, s + std::strlen(s)}; }

// The RFC 6238 reference code's seeds: 20, 32 and 64 bytes per algorithm.
const auto kSeed20 = ascii("12345678901234567890");
const auto kSeed32 = ascii("12345678901234567890123456789012");
const auto kSeed64 = ascii("1234567890123456789012345678901234567890123456789012345678901234");

void hotp_rfc4226_appendix_d(void**) {
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                              "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t counter = 0; counter < 10; ++counter) {
        auto code = mfa::otp::hotp(kSeed20, counter, 6, Algorithm::sha1);
        assert_true(code.ok());
        assert_str_eq(*code, expected[counter]);
    }
}

struct TotpVector {
    std::int64_t time;
    const char* sha1;
    const char* sha256;
    const char* sha512;
};

void totp_rfc6238_appendix_b(void**) {
    const TotpVector vectors[] = {
        {59, "94287082", "46119246", "90693936"},
        {1111111109, "07081804", "68084774", "25091201"},
        {1111111111, "14050471", "67062674", "99943326"},
        {1234567890, "89005924", "91819424", "93441116"},
        {2000000000, "69279037", "90698825", "38618901"},
        {20000000000, "65353130", "77737706", "47863826"},
    };
    for (const auto& v : vectors) {
        assert_str_eq(*mfa::otp::totp(kSeed20, v.time, 30, 8, Algorithm::sha1), v.sha1);
        assert_str_eq(*mfa::otp::totp(kSeed32, v.time, 30, 8, Algorithm::sha256), v.sha256);
        assert_str_eq(*mfa::otp::totp(kSeed64, v.time, 30, 8, Algorithm::sha512), v.sha512);
    }
}

void time_step_is_64_bit(void**) {
    // t = 20000000000 is past 2^32 seconds' worth of 30 s steps only in 64 bits.
    assert_int_equal(mfa::otp::time_step(20000000000, 30), 666666666);
    assert_int_equal(mfa::otp::time_step(59, 30), 1);
    assert_int_equal(mfa::otp::time_step(-5, 30), 0);
    assert_int_equal(mfa::otp::time_step(INT64_MAX, 1), static_cast<std::uint64_t>(INT64_MAX));
}

void leading_zeros_are_kept(void**) {
    auto code = mfa::otp::totp(kSeed20, 1111111109, 30, 8, Algorithm::sha1);
    assert_int_equal(code->size(), 8);
    assert_str_eq(*code, "07081804");
}

void refuses_bad_parameters(void**) {
    assert_false(mfa::otp::hotp(kSeed20, 0, 5, Algorithm::sha1).ok());
    assert_false(mfa::otp::hotp(kSeed20, 0, 9, Algorithm::sha1).ok());
    assert_false(mfa::otp::hotp({}, 0, 6, Algorithm::sha1).ok());
    assert_false(mfa::otp::totp(kSeed20, 59, 0, 6, Algorithm::sha1).ok());
}

void algorithm_names(void**) {
    assert_true(mfa::otp::parse_algorithm("sha256") == Algorithm::sha256);
    assert_true(mfa::otp::parse_algorithm("SHA512") == Algorithm::sha512);
    assert_false(mfa::otp::parse_algorithm("MD5").has_value());
    assert_str_eq(std::string(mfa::otp::algorithm_name(Algorithm::sha1)), "SHA1");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(hotp_rfc4226_appendix_d), cmocka_unit_test(totp_rfc6238_appendix_b),
        cmocka_unit_test(time_step_is_64_bit),     cmocka_unit_test(leading_zeros_are_kept),
        cmocka_unit_test(refuses_bad_parameters),  cmocka_unit_test(algorithm_names),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
