#!/usr/bin/env bash
# The whole test suite on a fresh machine: install what is missing, build twice (plain, and
# with AddressSanitizer + UndefinedBehaviorSanitizer) and run every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs="$(nproc)"
for variant in plain asan; do
  dir="build-test-$variant"
  flags=(-DCMAKE_BUILD_TYPE=Debug -DGOODPUT_WERROR=ON)
  [ "$variant" = asan ] && flags+=(-DGOODPUT_SANITIZE=ON)
  echo "=== build ($variant) ==="
  cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
  cmake --build "$dir" -j"$jobs"
  echo "=== ctest ($variant) ==="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$dir" --output-on-failure -j"$jobs" --timeout 300
done
