#include "cmocka.hpp"
#include "sys/rate_limit.hpp"

namespace {

using namespace std::chrono_literals;
using mfa::daemon::RateLimiter;

void allows_a_burst_per_window_and_counts_the_rest(void**) {
    RateLimiter limiter(3, 10s);
    const RateLimiter::Clock::time_point t0 = RateLimiter::Clock::time_point{} + 100s;
    for (int i = 0; i < 3; ++i) assert_true(limiter.allow(t0 + std::chrono::seconds(i)));
    assert_false(limiter.allow(t0 + 4s));
    assert_false(limiter.allow(t0 + 9s));
    assert_int_equal(limiter.take_suppressed(), 2);
    assert_int_equal(limiter.take_suppressed(), 0);
    assert_true(limiter.allow(t0 + 10s));  // a new window
    assert_true(limiter.allow(t0 + 11s));
    assert_true(limiter.allow(t0 + 12s));
    assert_false(limiter.allow(t0 + 13s));
}

}  // namespace

int main() {
    const CMUnitTest tests[] = {cmocka_unit_test(allows_a_burst_per_window_and_counts_the_rest)};
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
