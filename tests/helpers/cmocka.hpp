// cmocka's header has no extern "C" guard of its own, and it defines a fail()
// macro that breaks <ios>: the standard headers come first, once.
#pragma once

#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {
#include <cmocka.h>
}

#include <string>

// assert_string_equal for std::string, with both values in the failure message.
#define assert_str_eq(a, b) assert_string_equal(std::string(a).c_str(), std::string(b).c_str())
// Asserts that `haystack` contains `needle`, printing both if not.
#define assert_contains(haystack, needle)                                                        \
    do {                                                                                         \
        std::string h_ = (haystack), n_ = (needle);                                               \
        if (h_.find(n_) == std::string::npos) fail_msg("\"%s\" does not contain \"%s\"", h_.c_str(), n_.c_str()); \
    } while (0)
