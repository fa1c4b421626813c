#!/usr/bin/env bash
# Run every test: set up and build, then unit tests (CTest), HTTP tests
# against a real server, and browser tests in headless Chromium; then build
# again with AddressSanitizer + UndefinedBehaviorSanitizer and run the unit and
# HTTP tests against that build too; finally a short run of every fuzz target.
# Between them, the benchmark harness on the tiny profile (bench/run.sh tiny),
# so it keeps working.
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

./scripts/setup.sh

echo "== unit tests (build/)"
ctest --test-dir build --no-tests=error --output-on-failure -j2

echo "== HTTP tests (build/)"
CASEWORK_BIN=build/casework node --test --test-concurrency=2 tests/http/

echo "== browser tests (build/)"
CASEWORK_BIN=build/casework node --test --test-concurrency=1 tests/browser/

echo "== benchmark harness (bench/run.sh tiny: fails on errors or non-2xx answers, not on speed)"
BENCH_OUT=build/bench-tiny bench/run.sh tiny >build/bench-tiny.log 2>&1 || {
  tail -40 build/bench-tiny.log
  exit 1
}
tail -3 build/bench-tiny.log

echo "== sanitizer build (build-asan/)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCASEWORK_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=1
# fontconfig's process-lifetime cache (pango, the subject access PDF): tests/lsan.supp.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== unit tests (build-asan/)"
ctest --test-dir build-asan --no-tests=error --output-on-failure -j2
echo "== HTTP tests (build-asan/)"
CASEWORK_BIN=build-asan/casework CASEWORK_SANITIZED=1 node --test --test-concurrency=2 tests/http/

echo "== fuzz targets (build-fuzz/, 5 s each)"
./scripts/fuzz.sh 5

echo "== all tests passed in $(( $(date +%s) - start ))s"
