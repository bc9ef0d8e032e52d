#include "cmocka.hpp"
#include "mfa/otpauth_uri.hpp"

namespace {

mfa::OtpauthUri sample() {
    mfa::OtpauthUri uri;
    uri.issuer = "Example Corp";
    uri.account = "alice@host";
    uri.secret = {'1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '0'};
    return uri;
}

void builds_key_uri_format(void**) {
    assert_str_eq(mfa::build_otpauth_uri(sample()),
                  "otpauth://totp/Example%20Corp:alice%40host?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                  "&issuer=Example%20Corp&algorithm=SHA1&digits=6&period=30");
}

void round_trips(void**) {
    auto uri = sample();
    uri.algorithm = mfa::otp::Algorithm::sha512;
    uri.digits = 8;
    uri.period = 60;
    uri.issuer = "Ünïcode & co/?#";
    auto parsed = mfa::parse_otpauth_uri(mfa::build_otpauth_uri(uri));
    assert_true(parsed.ok());
    assert_str_eq(parsed->issuer, uri.issuer);
    assert_str_eq(parsed->account, uri.account);
    assert_true(parsed->secret == uri.secret);
    assert_true(parsed->algorithm == mfa::otp::Algorithm::sha512);
    assert_int_equal(parsed->digits, 8);
    assert_int_equal(parsed->period, 60);
}

void parses_what_apps_emit(void**) {
    // Google's example: lower-case secret, issuer only as a parameter, defaults for the rest.
    auto parsed = mfa::parse_otpauth_uri("otpauth://totp/alice@google.com?secret=jbswy3dpehpk3pxp&issuer=Example");
    assert_true(parsed.ok());
    assert_str_eq(parsed->account, "alice@google.com");
    assert_str_eq(parsed->issuer, "Example");
    assert_int_equal(parsed->digits, 6);
    assert_int_equal(parsed->period, 30);
    assert_int_equal(parsed->secret.size(), 10);
    // Unknown parameters (some apps add image=) are ignored; a space after the colon is tolerated.
    auto spaced = mfa::parse_otpauth_uri("otpauth://totp/ACME:%20bob?secret=JBSWY3DPEHPK3PXP&image=x");
    assert_true(spaced.ok());
    assert_str_eq(spaced->account, "bob");
    assert_str_eq(spaced->issuer, "ACME");
}

void refuses_malformed(void**) {
    const std::pair<const char*, const char*> bad[] = {
        {"http://totp/a?secret=JBSWY3DP", "not an otpauth"},
        {"otpauth://hotp/a?secret=JBSWY3DP&counter=1", "not an otpauth"},
        {"otpauth://totp/a", "no parameters"},
        {"otpauth://totp/a?issuer=x", "no secret"},
        {"otpauth://totp/a?secret=", "empty secret"},
        {"otpauth://totp/a?secret=JBSW!", "invalid character"},
        {"otpauth://totp/?secret=JBSWY3DP", "no account"},
        {"otpauth://totp/A:b?secret=JBSWY3DP&issuer=B", "differ"},
        {"otpauth://totp/a?secret=JBSWY3DP&digits=9", "digits"},
        {"otpauth://totp/a?secret=JBSWY3DP&digits=6x", "digits"},
        {"otpauth://totp/a?secret=JBSWY3DP&period=0", "period"},
        {"otpauth://totp/a?secret=JBSWY3DP&algorithm=MD5", "algorithm"},
        {"otpauth://totp/a?secret=JBSWY3DP&secret=JBSWY3DP", "repeated"},
        {"otpauth://totp/a%2?secret=JBSWY3DP", "percent"},
        {"otpauth://totp/a%0Ab?secret=JBSWY3DP", "control character"},
        {"otpauth://totp/a?secret", "without '='"},
        // Found by fuzz_otpauth: an issuer parameter with ':' rebuilt into a different label.
        {"otpauth://totp/alice?secret=JBSWY3DP&issuer=Ex:ample", "':' in the issuer"},
        {"otpauth://totp/b%FF%FEc?secret=JBSWY3DP", "not UTF-8"},
        {"otpauth://totp/:bob?secret=JBSWY3DP", "empty issuer"},
        {"otpauth://totp/A:b:c?secret=JBSWY3DP", "':' in the account"},
    };
    for (auto [input, reason] : bad) {
        auto parsed = mfa::parse_otpauth_uri(input);
        if (parsed.ok()) fail_msg("\"%s\" was accepted", input);
        assert_contains(parsed.error().message, reason);
    }
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {cmocka_unit_test(builds_key_uri_format), cmocka_unit_test(round_trips),
                                cmocka_unit_test(parses_what_apps_emit), cmocka_unit_test(refuses_malformed)};
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
