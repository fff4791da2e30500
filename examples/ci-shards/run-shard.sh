#!/usr/bin/env bash
# One shard of an evaluation spread over several CI runners (README "Beyond one machine"):
#   run-shard.sh INDEX TOTAL OUT_DIR [goodput run arguments: task files, --models, --repeat...]
# writes OUT_DIR/results.json, journal.jsonl and junit.xml for the runs of shard INDEX of TOTAL.
# A model failing a task is a result the final job's gate judges, so exit code 1 of goodput run
# becomes 0 here; bad input (2) or a stop by a signal stays a failure of the job. $GOODPUT names
# the binary (default: goodput on the PATH).
set -uo pipefail
if [ "$#" -lt 3 ]; then
  echo "usage: $0 INDEX TOTAL OUT_DIR [goodput run arguments...]" >&2
  exit 2
fi
index=$1 total=$2 out=$3
shift 3
"${GOODPUT:-goodput}" run "$@" --shard "$index/$total" -o "$out" --junit "$out/junit.xml" --color never
status=$?
[ "$status" -le 1 ] || exit "$status"
