#!/usr/bin/env bash
# The test command: installs the dependencies, then configures, builds and runs
# the whole suite three ways: the normal hardened build, the ASan+UBSan build,
# and the libFuzzer smoke runs; then builds the Debian packages (lintian-clean)
# and tests them: install -> SSH login -> purge.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)

# SKIP_LABEL: a CTest label this build leaves out.
build_and_test() {
  local dir=$1; shift
  echo "== $dir"
  cmake -S . -B "$dir" "$@"
  cmake --build "$dir" -j"$jobs"
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" ${SKIP_LABEL:+-LE "$SKIP_LABEL"}
}

build_and_test build -DCMAKE_BUILD_TYPE=RelWithDebInfo
# The suites' second run on PostgreSQL (label postgresql) tests SQL, not
# memory: the sanitizers see the PostgreSQL code in the fleet and store tests.
SKIP_LABEL=postgresql build_and_test build-asan -DMFA_SANITIZE=ON
CC=clang CXX=clang++ build_and_test build-fuzz -DMFA_FUZZ=ON -DMFA_FUZZ_SECONDS="${MFA_FUZZ_SECONDS:-5}"
echo "== packages"
packaging/build-deb.sh build-deb
packaging/test-install.sh build-deb
echo "== all builds passed"
