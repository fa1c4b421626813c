#!/usr/bin/env bash
# Build the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang, ASan and UBSan
# into build-fuzz/, then run each for N seconds (default 10), two at a time,
# starting from the small committed seeds in tests/fuzz/corpus/<target>/.
# New inputs libFuzzer finds go to build-fuzz/corpus/<target>/ (not the source
# tree); a crash leaves its input in build-fuzz/artifacts/ and makes this script
# exit non-zero. Usage: scripts/fuzz.sh [seconds-per-target]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [seconds-per-target]" >&2
  exit 2
fi
command -v clang >/dev/null || { echo "fuzz: clang is not installed (scripts/setup.sh installs it)" >&2; exit 2; }

BUILD_DIR=${BUILD_DIR:-build-fuzz}
targets=()
for f in tests/fuzz/fuzz_*.c; do
  targets+=("$(basename "$f" .c)")
done

echo "== fuzz: building ${targets[*]} in $BUILD_DIR/"
cmake -S . -B "$BUILD_DIR" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCASEWORK_FUZZ=ON >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target "${targets[@]}"

mkdir -p "$BUILD_DIR/artifacts" "$BUILD_DIR/logs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run() {
  local t=$1
  mkdir -p "$BUILD_DIR/corpus/$t"
  # -timeout: one input taking over 5 s is a hang; -max_len keeps inputs near
  # the size of real config files and request fields.
  "$BUILD_DIR/$t" -max_total_time="$seconds" -timeout=5 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$BUILD_DIR/artifacts/$t-" \
    "$BUILD_DIR/corpus/$t" "tests/fuzz/corpus/$t" >"$BUILD_DIR/logs/$t.log" 2>&1
}

# Two at a time (the machines this runs on have two cores).
jobs_max=$(nproc)
((jobs_max > 2)) && jobs_max=2
declare -A pids
failed=()
for t in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs_max)); do
    wait -n || true
  done
  echo "== fuzz: $t for ${seconds}s"
  run "$t" &
  pids[$t]=$!
done
for t in "${targets[@]}"; do
  if wait "${pids[$t]}"; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$BUILD_DIR/logs/$t.log" | grep -o '[0-9]*$' || echo '?')
    echo "   $t: ok ($runs runs)"
  else
    failed+=("$t")
    echo "   $t: FAILED; log follows ($BUILD_DIR/logs/$t.log)" >&2
    grep -v '^#' "$BUILD_DIR/logs/$t.log" | tail -40 >&2
  fi
done

if ((${#failed[@]})); then
  echo "== fuzz: crashes in ${failed[*]}; inputs in $BUILD_DIR/artifacts/" >&2
  exit 1
fi
echo "== fuzz: all ${#targets[@]} targets ran ${seconds}s each without a crash"
