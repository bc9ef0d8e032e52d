// What a benchmark reads about mfad from /proc: CPU time and peak memory.
#pragma once

#include <sys/types.h>

namespace mfa::bench {

double cpu_ms(pid_t pid);        // utime + stime so far, in milliseconds
long peak_rss_kib(pid_t pid);    // VmHWM; -1 if unreadable

}  // namespace mfa::bench
