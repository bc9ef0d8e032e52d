#include "cmocka.hpp"
#include "mfa/base32.hpp"

namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

std::string decoded_text(std::string_view in) {
    auto out = mfa::base32::decode(in);
    if (!out) fail_msg("decode(\"%s\") failed: %s", std::string(in).c_str(), out.error().message.c_str());
    return std::string(out->begin(), out->end());
}

void rfc4648_vectors(void**) {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},          {"f", "MY======"},     {"fo", "MZXQ===="},        {"foo", "MZXW6==="},
        {"foob", "MZXW6YQ="}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI======"},
    };
    for (auto [plain, padded] : vectors) {
        std::string unpadded(padded);
        unpadded.erase(unpadded.find_last_not_of('=') + 1);
        assert_str_eq(mfa::base32::encode(bytes(plain)), unpadded);
        assert_str_eq(decoded_text(padded), plain);
        assert_str_eq(decoded_text(unpadded), plain);
    }
}

void tolerates_lower_case_and_spaces(void**) {
    assert_str_eq(decoded_text("mzxw 6ytb oi"), "foobar");
    assert_str_eq(decoded_text("MzXw6YtBoI"), "foobar");
    assert_str_eq(decoded_text(" MZXW6YTB "), "fooba");
}

void round_trips_every_length(void**) {
    std::vector<std::uint8_t> data;
    for (int n = 0; n < 70; ++n) {
        auto decoded = mfa::base32::decode(mfa::base32::encode(data));
        assert_true(decoded.ok());
        assert_true(*decoded == data);
        data.push_back(static_cast<std::uint8_t>(n * 37 + 11));
    }
}

void refuses_bad_input(void**) {
    const std::pair<const char*, const char*> bad[] = {
        {"MZXW1YTB", "invalid character '1' at position 5"},
        {"MZXW0YTB", "invalid character '0'"},
        {"MZXW8YTB", "invalid character '8'"},
        {"MZ-XW6YTB", "invalid character '-'"},
        {"MZXW\n6YTB", "byte 0x0a"},
        {"MY======MY", "data after padding"},
        {"M", "cannot encode whole bytes"},
        {"MZX", "cannot encode whole bytes"},
        {"MZXW6Y", "cannot encode whole bytes"},
        {"MY=", "wrong amount of padding"},
        {"MZXW6YTB========", "wrong amount of padding"},
    };
    for (auto [input, reason] : bad) {
        auto out = mfa::base32::decode(input);
        if (out.ok()) fail_msg("decode(\"%s\") was accepted", input);
        assert_contains(out.error().message, reason);
    }
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {cmocka_unit_test(rfc4648_vectors), cmocka_unit_test(tolerates_lower_case_and_spaces),
                                cmocka_unit_test(round_trips_every_length), cmocka_unit_test(refuses_bad_input)};
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
