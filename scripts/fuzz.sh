#!/usr/bin/env bash
# Fuzzing beyond CI's corpus replay: builds the libFuzzer targets of fuzz/ with clang
# (GOODPUT_FUZZ=ON: ASan + UBSan + coverage), then runs each target in turn for SECONDS
# (default 600) and keeps the inputs that reached new code in fuzz/corpus/<target>/, where ctest's
# fuzz.<target> test replays them from then on.
#
#   scripts/fuzz.sh [SECONDS-PER-TARGET]
#   GOODPUT_FUZZ_TARGETS="csv_compare sse_parser" scripts/fuzz.sh 60   # some targets only
#   nice -n 19 scripts/fuzz.sh                                         # on a shared machine
#
# One libFuzzer job at a time (-fork=1): it goes on after a finding, so one crash does not end
# the target's time. What counts as a finding is written in each fuzz/<target>.cpp; limits: 10 s
# per input, 2 GB of memory. Findings are kept in $work/<target>/ (crash-*, timeout-*, oom-*,
# reproduced with `$build/fuzz/fuzz_<target> FILE`); each becomes a unit test and a fix, and the
# input goes into the corpus. A summary (executions, seconds, findings per target) is printed at
# the end and kept in $work/summary.txt.
# GOODPUT_FUZZ_BUILD_DIR (default build-fuzz-clang) and GOODPUT_FUZZ_WORK_DIR (default
# <build>/fuzz-work) move the build and the findings.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-600}
build=${GOODPUT_FUZZ_BUILD_DIR:-$root/build-fuzz-clang}
work=${GOODPUT_FUZZ_WORK_DIR:-$build/fuzz-work}
read -r -a targets <<<"${GOODPUT_FUZZ_TARGETS:-sse_parser ollama_stream openai_stream task_loader models_loader number_finder code_extract csv_compare yaml_listed}"
# Committed corpora stay small: the inputs that add coverage, none above 64 KB.
max_input_bytes=65536

# clang 15 or later (CMakeLists.txt says why: Debian 12's default clang, 14, lacks what
# libstdc++ needs for std::source_location) with libFuzzer; GOODPUT_FUZZ_CXX names another.
# Only this script needs them, so the test command does not install them.
[ -n "${GOODPUT_FUZZ_CXX:-}" ] || scripts/install-deps.sh clang-16 libclang-rt-16-dev
cxx=${GOODPUT_FUZZ_CXX:-}
if [ -z "$cxx" ]; then
  for candidate in clang++-19 clang++-18 clang++-17 clang++-16 clang++-15 clang++; do
    if command -v "$candidate" >/dev/null; then cxx=$candidate; break; fi
  done
fi
if [ -z "$cxx" ]; then
  echo "fuzz.sh: no clang++ found; install clang-16 and libclang-rt-16-dev" >&2
  exit 2
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DGOODPUT_FUZZ=ON -DGOODPUT_BUILD_TESTS=OFF -DGOODPUT_BUILD_BENCH=OFF -DGOODPUT_INSTALL=OFF >/dev/null
ninja -C "$build" "${targets[@]/#/fuzz_}"

mkdir -p "$work"
summary=$work/summary.txt
: >"$summary"
for target in "${targets[@]}"; do
  corpus=$root/fuzz/corpus/$target
  found=$work/$target/found
  mkdir -p "$corpus" "$found" "$work/$target/artifacts"
  echo "=== $target: $seconds s ==="
  start=$SECONDS
  # New inputs go into the first directory (found/); the committed corpus is only read here.
  "$build/fuzz/fuzz_$target" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/$target/artifacts/" "$found" "$corpus" 2>&1 | tee "$work/$target/log" |
    grep -E '^#[0-9]+:|crash|timeout|oom|ERROR' | tail -n 200 || true
  elapsed=$((SECONDS - start))
  # Fork mode's status lines: "#<executions>: cov: ... time: <s> ..."; the last is the total.
  executions=$(grep -oE '^#[0-9]+:' "$work/$target/log" | tail -n 1 | tr -d '#:')
  findings=$(find "$work/$target/artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  before=$(find "$corpus" -type f | wc -l)
  # The corpus is chosen again from what it held and what fuzzing found: the named files (seeds
  # from the tests, regression inputs) all stay, then the fewest inputs that reach every other
  # edge (-set_cover_merge, hit counts aside: -use_counters=0), which keeps it to a few hundred
  # files where plain -merge keeps every input that changed a hit count. Fuzzing's inputs are
  # named by their SHA-1.
  chosen=$work/$target/chosen
  rm -rf "$chosen"
  mkdir -p "$chosen"
  find "$corpus" -regextype posix-extended -type f ! -regex '.*/[0-9a-f]{40}' -exec cp {} "$chosen" \;
  if "$build/fuzz/fuzz_$target" -set_cover_merge=1 -use_counters=0 -max_len=$max_input_bytes -timeout=10 \
       -rss_limit_mb=2048 "$chosen" "$corpus" "$found" >"$work/$target/merge.log" 2>&1; then
    find "$corpus" -regextype posix-extended -type f -regex '.*/[0-9a-f]{40}' -delete
    find "$chosen" -type f -size -$((max_input_bytes / 1024 + 1))k -exec cp -n {} "$corpus" \;
  else
    echo "$target: merge failed, the corpus is unchanged; see $work/$target/merge.log" >&2
  fi
  after=$(find "$corpus" -type f | wc -l)
  printf '%-14s %6d s %12s executions %3d findings  corpus %d -> %d files\n' \
    "$target" "$elapsed" "${executions:-0}" "$findings" "$before" "$after" | tee -a "$summary"
done
echo "=== summary ($summary) ==="
cat "$summary"
