#!/usr/bin/env bash
# The benchmarks, as root, each row run 3 times, interleaved (--runs):
#  1. mfa_pam_bench: PAM logins per second and latency through real libpam for
#     pam_permit, the floor (pam_permit + 2 PINGs to mfad),
#     pam_google_authenticator with reuse refused (-d) and allowed (-D),
#     pam_oath and pam_mfa (durability full and normal, and on a local
#     PostgreSQL) at 1, 2 and 8 processes, the cost of a wrong code and of
#     loading each module; the bench users are real accounts for the run;
#  2. mfa_daemon_bench: mfad alone, 64 and 256 protocol clients, 1 k and 1 M
#     enrolled users (1 k also on PostgreSQL), with the round-trip floor, RSS,
#     time to READY=1 and the store thread's hand-off.
# Each prints Markdown tables (medians and spreads, and the issue's targets
# met or missed) and JSON (also written to build-bench/*.json).
# Extra arguments go to mfa_pam_bench (e.g. --users 5000).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j"$(nproc)" --target mfa_pam_bench mfa_daemon_bench
build-bench/tests/bench/mfa_pam_bench --json build-bench/bench.json "$@"
build-bench/tests/bench/mfa_daemon_bench --json build-bench/daemon-bench.json
