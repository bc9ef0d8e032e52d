#!/usr/bin/env bash
# The benchmark: PAM logins per second and latency through real libpam for
# pam_permit, pam_google_authenticator, pam_oath and pam_mfa (durability full
# and normal) at 1, 2 and 8 processes, and the cost of refusing a wrong code.
# Prints a Markdown table and JSON (also written to build-bench/bench.json).
# As root; extra arguments go to mfa_pam_bench (e.g. --users 5000).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j"$(nproc)" --target mfa_pam_bench
build-bench/tests/bench/mfa_pam_bench --json build-bench/bench.json "$@"
