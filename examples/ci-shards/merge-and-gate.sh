#!/usr/bin/env bash
# The final job of a sharded evaluation (README "Beyond one machine"):
#   merge-and-gate.sh SHARDS_DIR OUT_DIR [goodput compare arguments...]
# merges SHARDS_DIR/*/results.json (one directory per shard, as actions/download-artifact lays
# them out) into OUT_DIR/results.json, then compares it: the arguments name the baseline, e.g.
#   baseline.json --fail-on regression                        (a stored run against this one)
#   --baseline-model current --candidate-model next --config gate.yaml   (two models of this run)
# and the comparison is also written as OUT_DIR/comparison.md and comparison.json. The exit code
# is goodput compare's: 0 the gate passes, 1 regression, 2 bad input, 3 inconclusive.
# $GOODPUT names the binary (default: goodput on the PATH).
set -euo pipefail
if [ "$#" -lt 2 ]; then
  echo "usage: $0 SHARDS_DIR OUT_DIR [goodput compare arguments...]" >&2
  exit 2
fi
shards=$1 out=$2
shift 2
goodput=${GOODPUT:-goodput}
shopt -s nullglob
inputs=("$shards"/*/results.json)
if [ "${#inputs[@]}" -eq 0 ]; then
  echo "$0: no $shards/*/results.json: did the shard jobs upload their results?" >&2
  exit 2
fi
mkdir -p "$out"
"$goodput" merge "$out/results.json" "${inputs[@]}"
# The merged run last: the arguments may name a baseline file, which comes first.
"$goodput" compare "$@" "$out/results.json" --markdown "$out/comparison.md" --json "$out/comparison.json"
