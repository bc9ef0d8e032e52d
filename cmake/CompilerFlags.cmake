# Warnings are errors and every binary is hardened; the sanitizer build adds
# ASan+UBSan on top and keeps frame pointers for readable reports.
add_compile_options(-Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion
                    -fstack-protector-strong -fstack-clash-protection -fcf-protection)
# g++ 12 misreads the recycling allocator behind Boost 1.74's coroutine frames
# (operator new/delete of awaitable_frame_base) as a new/delete mismatch; the
# ASan build checks the real thing.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Wno-mismatched-new-delete>)
endif()
if(NOT MFA_SANITIZE)
  # _FORTIFY_SOURCE needs optimisation and clashes with ASan's interceptors.
  add_compile_options(-D_FORTIFY_SOURCE=2 -O2)
endif()
add_link_options(-Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--as-needed)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
include(CheckPIESupported)
check_pie_supported()

if(MFA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -O1)
  add_link_options(-fsanitize=address,undefined)
endif()

if(MFA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MFA_FUZZ needs clang: configure with CC=clang CXX=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
