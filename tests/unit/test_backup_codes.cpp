// Backup code generation and hashing: the alphabet, no bias we can see in a
// large sample, a letter in every code, and salted, deterministic hashes.
#include <map>
#include <set>

#include "factors/backup_codes/backup_codes.hpp"
#include "cmocka.hpp"

using namespace mfa::daemon;

namespace {

void codes_have_the_length_alphabet_and_a_letter(void**) {
    auto codes = generate_backup_codes(64, 8);
    assert_true(codes.ok());
    assert_int_equal(codes->size(), 64);
    std::set<std::string> distinct(codes->begin(), codes->end());
    assert_int_equal(distinct.size(), 64);
    for (const auto& code : *codes) {
        assert_int_equal(code.size(), 8);
        assert_true(looks_like_backup_code(code));
    }
}

// 62 symbols over 200,000 draws: each about 3,226 times (σ ≈ 57). Taking a
// byte modulo 62 would favour the first 8 symbols by a quarter (5/256 against
// 4/256); ±10 % catches that and is 5.7 σ wide for honest chance.
void every_symbol_turns_up_about_equally(void**) {
    std::map<char, int> seen;
    for (int round = 0; round < 625; ++round) {
        auto codes = generate_backup_codes(32, 10);
        assert_true(codes.ok());
        for (const auto& code : *codes)
            for (char c : code) ++seen[c];
    }
    assert_int_equal(seen.size(), 62);
    for (const auto& [symbol, count] : seen)
        if (count < 2903 || count > 3549) fail_msg("'%c' came %d times", symbol, count);
}

void hashes_are_salted_and_repeatable(void**) {
    std::vector<std::string> codes = {"Abcdef1234", "Zyxwvu9876"};
    auto a = hash_backup_code_set(codes);
    auto b = hash_backup_code_set(codes);
    assert_true(a.ok() && b.ok());
    assert_int_equal(a->salt.salt.size(), 16);
    assert_true(a->salt.salt != b->salt.salt);
    assert_true(a->hashes[0] != b->hashes[0]);  // same code, other salt
    auto again = hash_backup_code("Abcdef1234", a->salt);
    assert_true(again.ok());
    assert_true(*again == a->hashes[0]);
    assert_true(*hash_backup_code("abcdef1234", a->salt) != a->hashes[0]);  // case matters
}

void only_code_shaped_answers_are_hashed(void**) {
    assert_true(looks_like_backup_code("Abcdef1234"));
    assert_true(looks_like_backup_code("12345678"));    // an imported google-authenticator scratch code
    assert_false(looks_like_backup_code("1234567"));    // other all-digit lengths: OTP codes
    assert_false(looks_like_backup_code("123456789"));
    assert_false(looks_like_backup_code("123456"));
    assert_false(looks_like_backup_code("Abc1234"));    // too short
    assert_false(looks_like_backup_code(std::string(33, 'a')));
    assert_false(looks_like_backup_code("Abcde-1234"));
    assert_false(looks_like_backup_code("Abcde 1234"));
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(codes_have_the_length_alphabet_and_a_letter),
        cmocka_unit_test(every_symbol_turns_up_about_equally),
        cmocka_unit_test(hashes_are_salted_and_repeatable),
        cmocka_unit_test(only_code_shaped_answers_are_hashed),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
