#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build, and evaluate the built-in
# seed tasks against the built-in SIMULATED models (goodput sim on 127.0.0.1).
# Extra arguments go to `goodput run` (e.g. --repeat 3).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Everything `cmake --install build` installs (the goodput binary, the libraries and goodput::main
# for C++ task binaries), and no tests or benchmarks.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGOODPUT_BUILD_TESTS=OFF -DGOODPUT_BUILD_BENCH=OFF >/dev/null
cmake --build build -j"$(nproc)"
echo
echo "=== goodput demo: the seed tasks against SIMULATED models (no real model is called) ==="
set +e
build/framework/goodput run tasks/seed --sim "$@"
status=$?
set -e
# 1 means some simulated model failed a task, which is what the demo shows; anything else is wrong.
[ "$status" -eq 0 ] || [ "$status" -eq 1 ] || exit "$status"
