#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Scaling curve of `goodput run --sim`: wall time and peak memory (maxrss) by number of tasks.

  bench/scale.py BUILD_DIR/framework/goodput [--rows 100000]

Generates task files in a temporary directory (one suite of N tasks, each with a prompt and
four assertions; and 200 tasks with repeat: 50), a simulator profile that answers at once,
and prints one table row per case: tasks, runs, wall seconds, peak resident MB of
`goodput run` and of `goodput run --list-tasks`. With --dataset N, also N tasks written as one
template over an N-row JSONL (`dataset:`); with --rows, the time to load a dataset of that
many rows (`--list-tasks`). Figures for closing notes, never pass/fail. Build goodput in
Release (-DCMAKE_BUILD_TYPE=Release) first.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

PROFILE = """models:
  - id: sim-bench
    ttft_ms: 0
    tokens_per_second: 1000000
    answers:
      - text: "The answer is 42, said item {n}."
"""


def task_yaml(count, repeat):
    lines = ["suite: Bench", "tasks:"]
    for i in range(count):
        lines += [
            f"  - id: t{i}",
            f"    prompt: \"Question {i}: what is six times seven? Answer with the number.\"",
            "    params: {max_tokens: 64, temperature: 0.7}",
            "    tags: [bench]",
        ]
        if repeat > 1:
            lines.append(f"    repeat: {repeat}")
        lines += [
            "    assert:",
            "      - {type: contains, value: \"42\"}",
            "      - {type: icontains, value: \"answer\"}",
            "      - {type: number, expected: 42, tolerance: 0}",
            "      - {type: not-contains, value: \"sorry\"}",
        ]
    return "\n".join(lines) + "\n"


def write_rows(path, count):
    with open(path, "w") as f:
        for i in range(count):
            f.write(json.dumps({"id": f"r{i}", "a": 6, "b": 7, "answer": "42"}) + "\n")


def dataset_yaml():
    return """suite: BenchData
tasks:
  - id: q
    dataset: rows.jsonl
    id_column: id
    prompt: "Question {{id}}: what is {{a}} times {{b}}?"
    assert:
      - {type: contains, value: "{{answer}}"}
      - {type: number, expected: 42, tolerance: 0}
"""


def measure(cmd):
    """Runs cmd; returns (wall seconds, peak RSS in MB of that child, exit code)."""
    pid_start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - pid_start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited {code}: {err}")
    return wall, usage.ru_maxrss / 1024.0, code


def measure_case(goodput, profile, tasks, out_dir, label, runs):
    """One table row: `goodput run` on the task file, and its --list-tasks."""
    base = [goodput, "run", tasks, "--sim-profiles", profile]
    lw, lm, _ = measure(base + ["--list-tasks"])
    rw, rm, _ = measure(base + ["-o", out_dir])
    print(f"| {label} | {runs:,} | {rw:.1f} | {rm:.1f} | {lw:.2f} | {lm:.1f} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("goodput")
    parser.add_argument("--counts", default="100,1000,10000")
    parser.add_argument("--no-repeats", dest="repeats", action="store_false", help="leave out 200 tasks x 50 repeats")
    parser.add_argument("--dataset", type=int, default=0, help="also N tasks from one template over an N-row dataset")
    parser.add_argument("--rows", type=int, default=0, help="also time loading a dataset of this many rows")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="goodput-scale-") as tmp:
        profile = os.path.join(tmp, "profile.yaml")
        with open(profile, "w") as f:
            f.write(PROFILE)
        cases = [(int(c), 1) for c in args.counts.split(",") if c] + ([(200, 50)] if args.repeats else [])
        print("| tasks | runs | run --sim wall s | run --sim peak MB | --list-tasks wall s | --list-tasks peak MB |")
        print("|---:|---:|---:|---:|---:|---:|")
        for count, repeat in cases:
            case_dir = os.path.join(tmp, f"t{count}x{repeat}")
            os.makedirs(case_dir)
            tasks = os.path.join(case_dir, "tasks.yaml")
            with open(tasks, "w") as f:
                f.write(task_yaml(count, repeat))
            measure_case(args.goodput, profile, tasks, os.path.join(case_dir, "out"), f"{count:,}", count * repeat)
        for rows, label in ((args.dataset, "dataset"), (args.rows, "rows")):
            if not rows:
                continue
            data_dir = os.path.join(tmp, label)
            os.makedirs(data_dir)
            write_rows(os.path.join(data_dir, "rows.jsonl"), rows)
            tasks = os.path.join(data_dir, "tasks.yaml")
            with open(tasks, "w") as f:
                f.write(dataset_yaml())
            if label == "dataset":
                measure_case(args.goodput, profile, tasks, os.path.join(data_dir, "out"), f"{rows:,} (dataset)", rows)
            else:
                w, m, _ = measure([args.goodput, "run", tasks, "--sim-profiles", profile, "--list-tasks"])
                print(f"\ndataset of {rows:,} rows: --list-tasks {w:.2f} s, peak {m:.1f} MB")


if __name__ == "__main__":
    main()
