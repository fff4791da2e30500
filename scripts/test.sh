#!/usr/bin/env bash
# The whole test suite on a fresh machine: install what is missing, then one AddressSanitizer +
# UndefinedBehaviorSanitizer build (-Werror) and every test ctest knows in it (labels unit,
# sandbox, integration, package; the package test installs this build and builds a consumer
# project against it, whose link gets the sanitizer runtime from the installed targets).
# The benchmarks are not built (GOODPUT_BUILD_BENCH=OFF). ccache is used when installed; the
# cache is shared by every checkout of the project (CCACHE_BASEDIR below), so a fresh clone
# on this machine compiles from it. Prints how long each phase took at the end.
# GOODPUT_TEST_JOBS sets ctest -j (default: the number of CPUs + 1).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

jobs=$(nproc)
# The slow tests wait more than they compute (the simulator's schedule, sandboxed processes):
# one more than the CPUs keeps both busy without starving the tests that measure time.
ctest_jobs=${GOODPUT_TEST_JOBS:-$((jobs + 1))}
# ccache: paths below the project root are hashed relative to it and the build directory is
# left out of the hash, so another clone of the same sources hits the cache.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

timings=()
phase() {
  local name=$1 start ms
  shift
  echo "=== $name ==="
  start=${EPOCHREALTIME//[^0-9]/}
  "$@"
  ms=$(( (${EPOCHREALTIME//[^0-9]/} - start) / 1000 ))
  timings+=("$(printf '%-42s %5d.%d s' "$name" $((ms / 1000)) $((ms % 1000 / 100)))")
}
quiet() { "$@" >/dev/null; }
report() {
  echo "=== phase times ==="
  printf '%s\n' "${timings[@]}"
}
trap report EXIT

common=(-G Ninja -DCMAKE_BUILD_TYPE=Debug -DGOODPUT_WERROR=ON -DGOODPUT_BUILD_BENCH=OFF)
phase "dependencies" scripts/install-deps.sh
# Line tables only (-g1): sanitizer reports keep file:line, the build is ~10% faster.
phase "configure (asan)" quiet cmake -S . -B build-test-asan "${common[@]}" -DGOODPUT_SANITIZE=ON -DCMAKE_CXX_FLAGS_DEBUG=-g1
phase "build (asan)" cmake --build build-test-asan -j"$jobs"
phase "ctest (asan: every label)" \
  ctest --test-dir build-test-asan --output-on-failure -j"$ctest_jobs" --timeout 600
