// Our HOTP/TOTP against oathtool (OATH Toolkit), an independent implementation,
// on random secrets, times, digits and algorithms.
#include <openssl/rand.h>

#include <cstdio>
#include <random>

#include "cmocka.hpp"
#include "mfa/otp.hpp"
#include "process.hpp"

using mfa::otp::Algorithm;

namespace {

std::string hex(const std::vector<std::uint8_t>& bytes) {
    std::string out;
    char buf[3];
    for (auto b : bytes) {
        snprintf(buf, sizeof buf, "%02x", b);
        out += buf;
    }
    return out;
}

std::vector<std::uint8_t> random_secret(std::size_t size) {
    std::vector<std::uint8_t> s(size);
    assert_int_equal(RAND_bytes(s.data(), static_cast<int>(size)), 1);
    return s;
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

void totp_matches_oathtool(void**) {
    std::mt19937_64 rng(std::random_device{}());
    const std::pair<Algorithm, const char*> algorithms[] = {
        {Algorithm::sha1, "sha1"}, {Algorithm::sha256, "sha256"}, {Algorithm::sha512, "sha512"}};
    for (int round = 0; round < 60; ++round) {
        auto [algorithm, name] = algorithms[round % 3];
        auto secret = random_secret(round % 2 == 0 ? 20 : 10 + rng() % 55);
        int digits = 6 + static_cast<int>(rng() % 3);
        int period = round % 4 == 0 ? 60 : 30;
        auto when = static_cast<std::int64_t>(rng() % 30000000000ULL);
        auto ours = mfa::otp::totp(secret, when, period, digits, algorithm);
        assert_true(ours.ok());
        auto theirs = mfa::test::run({"oathtool", std::string("--totp=") + name, "--digits=" + std::to_string(digits),
                                      "--time-step-size=" + std::to_string(period) + "s",
                                      "--now=@" + std::to_string(when), hex(secret)});
        if (theirs.exit_code != 0) fail_msg("oathtool failed: %s", theirs.err.c_str());
        assert_str_eq(*ours, trimmed(theirs.out));
    }
}

void hotp_matches_oathtool(void**) {
    std::mt19937_64 rng(std::random_device{}());
    for (int round = 0; round < 20; ++round) {
        auto secret = random_secret(20);
        std::uint64_t counter = rng() % (1ULL << 40);
        auto ours = mfa::otp::hotp(secret, counter, 6, Algorithm::sha1);
        auto theirs = mfa::test::run({"oathtool", "--hotp", "--counter=" + std::to_string(counter), hex(secret)});
        if (theirs.exit_code != 0) fail_msg("oathtool failed: %s", theirs.err.c_str());
        assert_str_eq(*ours, trimmed(theirs.out));
    }
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {cmocka_unit_test(totp_matches_oathtool), cmocka_unit_test(hotp_matches_oathtool)};
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
