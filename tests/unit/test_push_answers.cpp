// mfad-notify's reading of a push provider's answer, the polling back-off,
// and what a push program gets on stdin.
#include <nlohmann/json.hpp>

#include "cmocka.hpp"
#include "notify/push_command_provider.hpp"
#include "notify/push_provider.hpp"

using namespace mfa::notify;

namespace {

void answers_are_read_strictly(void**) {
    auto approved = parse_push_answer("approved 42\r");
    assert_true(approved.ok() && approved->status == "approved" && approved->number == 42 && !approved->not_me);
    assert_int_equal(parse_push_answer("approved")->number, 0);
    assert_true(parse_push_answer("denied not-me")->not_me);
    assert_false(parse_push_answer("denied")->not_me);
    assert_str_eq(parse_push_answer("expired")->status, "expired");
    // Anything else is no answer: never read as an approval.
    for (const char* junk : {"", "pending", "Approved", "approved 042", "approved 9", "approved 100", "approved 42 43",
                             "approved, sure", "approved not-me", "denied 42", "expired now", "yes"})
        assert_false(parse_push_answer(junk).ok());
}

void polls_back_off_to_three_seconds(void**) {
    std::chrono::milliseconds interval{0};
    std::vector<long> seen;
    for (int i = 0; i < 6; ++i) seen.push_back((interval = next_poll_interval(interval)).count());
    assert_true((seen == std::vector<long>{1000, 1500, 2250, 3000, 3000, 3000}));
}

void the_program_gets_every_field_as_json(void**) {
    PushChallenge c{"dev-1", "Login of alice \"x\"\n", 42, 7, "alice", "host1", "sshd", "", 1796000000, std::chrono::seconds(60)};
    auto json = nlohmann::json::parse(push_challenge_json(c));
    assert_string_equal(json["device"].get<std::string>().c_str(), "dev-1");
    assert_string_equal(json["message"].get<std::string>().c_str(), "Login of alice \"x\"\n");
    assert_int_equal(json["number"].get<int>(), 42);
    assert_int_equal(json["expires_in"].get<int>(), 60);
    assert_string_equal(json["correlation"].get<std::string>().c_str(), "7");
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {
        cmocka_unit_test(answers_are_read_strictly),
        cmocka_unit_test(polls_back_off_to_three_seconds),
        cmocka_unit_test(the_program_gets_every_field_as_json),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
