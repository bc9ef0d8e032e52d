// Property tests over identifier fields: whatever bytes arrive in a user,
// service, rhost or tty field, mfad either refuses the frame or holds text
// with no control character; and printable() never lets one through to a
// log line or a terminal.
#include <random>

#include "cmocka.hpp"
#include "mfa/utf8.hpp"
#include "mfa/wire/login_messages.hpp"

using namespace mfa;

namespace {

// C0, DEL, C1 (as UTF-8: C2 80..C2 9F) anywhere in `text`.
bool has_control(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto b = static_cast<unsigned char>(text[i]);
        if (b < 0x20 || b == 0x7f) return true;
        if (b == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0) return true;
    }
    return false;
}

// Random strings, mostly plain, with now and then the interesting bytes:
// controls, ESC, DEL, C1 and UTF-8 lead and trail bytes.
std::string random_text(std::mt19937& rng) {
    static const unsigned char interesting[] = {0x00, 0x07, 0x08, 0x09, 0x0a, 0x0d, 0x1b, 0x7f, 0xc2, 0x80,
                                                0x9b, 0x9f, 0xa0, 0xe2, 0x82, 0xac, 0xf0, 0xff, '[', '\\'};
    std::uniform_int_distribution<int> length(0, 12), pick(0, 99), any(0, 255), letter('a', 'z'),
        special(0, sizeof interesting - 1);
    std::string s;
    for (int n = length(rng); n > 0; --n) {
        int p = pick(rng);
        s += static_cast<char>(p < 96 ? letter(rng) : p < 99 ? interesting[special(rng)] : any(rng));
    }
    return s;
}

void begin_fields_never_hold_a_control_character(void**) {
    std::mt19937 rng(20261129);
    int accepted = 0, refused = 0;
    for (int i = 0; i < 50000; ++i) {
        wire::Begin begin{random_text(rng), random_text(rng), random_text(rng), random_text(rng)};
        if (begin.user.empty()) begin.user = "u";
        if (begin.service.empty()) begin.service = "s";
        auto frame = wire::encode(begin, 1);
        auto bytes = frame.finish();
        assert_true(bytes.ok());
        auto payload = wire::PayloadReader::parse(bytes->subspan(wire::kHeaderSize));
        assert_true(payload.ok());
        auto decoded = wire::decode_begin(*payload);
        bool clean = valid_identifier_text(begin.user) && valid_identifier_text(begin.service) &&
                     valid_identifier_text(begin.rhost) && valid_identifier_text(begin.tty);
        assert_int_equal(decoded.ok(), clean);
        if (!decoded) {
            ++refused;
            continue;
        }
        ++accepted;
        for (const auto* field : {&decoded->user, &decoded->service, &decoded->rhost, &decoded->tty})
            assert_false(has_control(*field));
    }
    assert_true(accepted > 100);  // both sides of the property were exercised
    assert_true(refused > 100);
}

void printable_output_never_holds_a_control_character(void**) {
    std::mt19937 rng(7);
    for (int i = 0; i < 50000; ++i) {
        auto text = random_text(rng);
        auto shown = printable(text);
        assert_false(has_control(shown));
        assert_true(valid_utf8_text(shown) || shown.empty());
        if (valid_identifier_text(text) && text.find('\\') == std::string::npos) assert_str_eq(shown, text);
    }
}

void printable_escapes_what_the_review_planted(void**) {
    assert_str_eq(printable("x\n... reset secalice ok uid=0"), "x\\x0a... reset secalice ok uid=0");
    assert_str_eq(printable("\x1b]0;owned\x07"), "\\x1b]0;owned\\x07");
    assert_str_eq(printable("\xc2\x9b" "2J"), "\\xc2\\x9b2J");  // C1 CSI
    assert_str_eq(printable("caf\xc3\xa9 \\"), "caf\xc3\xa9 \\\\");
    assert_str_eq(printable("\xff"), "\\xff");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(begin_fields_never_hold_a_control_character),
        cmocka_unit_test(printable_output_never_holds_a_control_character),
        cmocka_unit_test(printable_escapes_what_the_review_planted),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
