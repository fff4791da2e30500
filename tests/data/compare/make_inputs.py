#!/usr/bin/env python3
# Writes baseline.results.json and candidate.results.json: two small, fixed results files
# (only the fields `goodput compare` reads) for the compare golden test
# (tests/reporters/compare_golden_test.cpp). Run it again only to change the inputs.
import json, os

here = os.path.dirname(os.path.abspath(__file__))
SAMPLES = 6

def task(name, prompt):
    return {"id": "golden." + name, "system": "", "prompt": prompt, "params": {}, "assertions": ["contains"]}

def runs(model, name, verdicts, e2e0, ttft0):
    out = []
    for i, v in enumerate(verdicts):
        e2e = round(e2e0 + 0.037 * i + 0.011 * (i % 3), 3)
        ttft = round(ttft0 + 0.013 * i, 3)
        client = {"e2e_s": e2e, "ttft_s": ttft} if v != "error" else {"e2e_s": None, "ttft_s": None}
        out.append({"model": model, "task": "golden." + name, "sample": i, "verdict": v, "client": client})
    return out

def doc(quant, tasks, all_runs):
    return {"schema_version": 1, "kind": "goodput.results", "simulated": False,
            "models": [{"name": "qwen3-8b", "model": "qwen3-8b", "dialect": "openai", "params": {"temperature": 0.2},
                        "extra_body": {}, "fingerprint": {"quantisation": quant, "server_version": "b6000",
                                                          "endpoint": "http://127.0.0.1:8080/v1"}}],
            "tasks": tasks, "runs": all_runs}

P, F, E = "pass", "fail", "error"
common = [task("capital", "What is the capital of Japan?"), task("arithmetic", "What is 17 * 23?"),
          task("converter", "Write a JSON to CSV converter."), task("story", "Write a 50-word story.")]
base_tasks = common + [task("translate", "Translate 'cat' into French."), task("only_base", "Only in the baseline.")]
cand_tasks = common + [task("translate", "Translate 'cat' into French. Think first.")]
m = "qwen3-8b"
base_runs = (runs(m, "capital", [P] * 6, 0.9, 0.2) + runs(m, "arithmetic", [P] * 6, 1.2, 0.25) +
             runs(m, "converter", [P, F, F, F, F, F], 2.4, 0.3) + runs(m, "story", [P, F, P, F, P, F], 1.8, 0.22) +
             runs(m, "translate", [P] * 6, 0.7, 0.2) + runs(m, "only_base", [P] * 6, 0.5, 0.2))
cand_runs = (runs(m, "capital", [P, P, P, P, P, E], 1.1, 0.24) + runs(m, "arithmetic", [F] * 6, 1.5, 0.3) +
             runs(m, "converter", [P] * 6, 2.9, 0.35) + runs(m, "story", [F, P, F, P, P, F], 2.2, 0.26) +
             runs(m, "translate", [F] * 6, 0.8, 0.21))
for name, d in (("baseline", doc("Q8_0", base_tasks, base_runs)), ("candidate", doc("Q4_K_M", cand_tasks, cand_runs))):
    with open(os.path.join(here, name + ".results.json"), "w") as f:
        json.dump(d, f, indent=1)
        f.write("\n")
