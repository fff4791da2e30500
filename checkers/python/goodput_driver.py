# SPDX-License-Identifier: MIT
"""goodput's Python driver for `python-passes`: loads a model's code as a module and runs its
conversion function on each fixture input, inside goodput's sandbox. With "mode": "judge" in
job.json it runs a `python` assertion's check(answer, vars) instead (judge_main).

It only reports what the candidate produced; it never sees the expected outputs, and goodput
compares in its own process (the candidate controls this interpreter, so anything written here
could be forged). The report is result.json in the work directory, rewritten after every step
so that a run cut by the time limit still says how far it got. stdout and stderr are not part
of the protocol: the candidate's prints are captured and reported as text only.

Work directory, written by goodput:
  candidate.py        the extracted code, loaded as module "candidate" (so code under
                      `if __name__ == "__main__":` does not run), with sys.argv =
                      ["candidate.py"] and an empty stdin (a top-level argparse exits, it
                      does not wait)
  job.json            {"entry": "" or a name, "style": "auto"|"records"|"json-text"|"text"|
                       "paths"|"path-in"|"records-path"|"cli"|"stdio", "fixtures": [{"name",
                       "input"}], "input_json": whether the inputs are JSON (records),
                       "output_ext": "csv" (the file-writing styles write out/NAME.<ext>),
                       "import_timeout_s", "call_timeout_s", "max_output_chars",
                       "packages": [top-level module names the task allows besides the
                       standard library]}
  inputs/NAME.<ext>   the fixture inputs

The report goes to the result channel, the descriptor named in $GOODPUT_RESULT_FD (a pipe to
goodput; nothing is read back from files): one JSON object per line, in this order:
  {"event": "hello", "protocol": 2, "python": "3.11.2"}   first, before any file is read
  {"event": "load", "packages": {NAME: version or null}}
                          the last line written before a byte of the candidate's is touched:
                          goodput counts a failure before it as its own (an error), anything
                          after it as the candidate's
  {"event": "import", "ok", "fatal", "error", "where", "printed"}
  {"event": "functions", "names": [...]}
  {"event": "current", "fixture": NAME}                    before each call
  {"event": "attempt", "function", "style", "ok", "error", "fixture", "where", "printed"}
  {"event": "chosen", "entry", "style"}
  {"event": "fixture", "name", "ok", "output" | "error", "where", "printed"}
  {"event": "done"}       then the process exits 0 at once (os._exit: no atexit handler or
                          thread of the candidate's runs after it)
The candidate runs in this process and can write to the channel too; goodput treats any line
that does not fit this sequence as interference, which fails the run.

Conventions, tried in this order when the task does not name them (style "auto"):
  entry point: the function named by the task; else top-level functions whose name holds
    both "json" and "csv" (json_to_csv, convert_json_to_csv), then those holding "csv"
    (to_csv, write_csv; names with "to_csv" or "convert" first), then those holding
    "convert", then the only other top-level function; a function named main() is tried last,
    and only as a command line (style "cli").
  style, for each candidate function:
    records       f(records: list[dict]) -> str          the CSV text (bytes: UTF-8)
    json-text     f(json_text: str) -> str
    paths         f(input_path, output_path)             writes the CSV file
    path-in       f(input_path) -> str
    records-path  f(records, output_path)                writes the CSV file
    cli           main() with sys.argv = [candidate.py, input_path, output_path]
    text          f(input_text: str) -> str   (json-text, for inputs that are not JSON)
    stdio         only when asked for: the whole code run as a script (__name__ ==
                  "__main__") with the input on stdin and sys.argv = [candidate.py,
                  input_path]; what it prints to stdout is the output (stderr is not)
  Inputs that are not JSON have no records: auto tries text, paths and path-in.
  The first (function, style) that returns without an exception and gives text (a str or
  bytes result, or a written file) for some fixture (those with records first) is used for
  every fixture; the results it gave while being tried are kept as those fixtures' results.
  result.json says which way was used, and why the others were not.
Imports: the candidate's own imports (its code's `import`, `__import__`, importlib) may reach
the standard library and the task's packages only; any other module raises ModuleNotFoundError
naming the module and the allowed list, as a missing module would, so that importing
something the task does not allow (or a made-up module) is the candidate's failure, never an
error of the environment. Modules those packages import for themselves are not limited.
A top-level exception while loading (argparse exiting, a hard-coded example file that does
not exist) is reported and the functions defined before it are still used; a load that does
not finish within import_timeout_s fails everything.
"""

import copy
import importlib
import io
import json
import os
import platform
import signal
import sys
import traceback
import types

_dumps = json.dumps
_write = os.write
_exit = os._exit
_open = open
_exists = os.path.exists
_remove = os.remove

WORK = os.getcwd()
CHANNEL = int(os.environ.get("GOODPUT_RESULT_FD", "-1"))
CANDIDATE = os.path.join(WORK, "candidate.py")
JUDGE = os.path.join(WORK, "judge.py")
OUT_DIR = os.path.join(WORK, "out")

STYLES = ("records", "json-text", "paths", "path-in", "records-path")
# Inputs that are not JSON have no records to pass.
TEXT_STYLES = ("text", "paths", "path-in")
SCRIPT = "<script>"  # the "function" of style stdio: the code run as a script
PRINT_KEEP = 300


class CallTimeout(BaseException):
    """Raised by the interval timer; a BaseException so `except Exception` in the
    candidate does not swallow it."""


def _on_alarm(signum, frame):
    raise CallTimeout()


def emit(event, **fields):
    """One line on the result channel (ASCII JSON, so it is valid UTF-8 whatever it holds)."""
    fields["event"] = event
    data = (_dumps(fields, ensure_ascii=True) + "\n").encode("ascii")
    while data:
        data = data[_write(CHANNEL, data):]


def short(text, limit=300):
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def describe_exception(exc):
    """'raised KeyError: 'c'', 'exited (SystemExit: 2)', 'did not return in time'."""
    if isinstance(exc, CallTimeout):
        return "did not return in time (an endless loop?)"
    if isinstance(exc, SystemExit):
        return "exited (SystemExit: %s)" % (exc.code,)
    name = type(exc).__name__
    text = str(exc)
    return short("raised " + name + (": " + text if text else ""))


def where(exc):
    """The innermost frame in the candidate's file: 'line 12, in json_to_csv: w.writerow(r)'."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == CANDIDATE]
    if not frames:
        return None
    f = frames[-1]
    text = "line %d, in %s" % (f.lineno, f.name)
    if f.line:
        text += ": " + short(f.line.strip(), 120)
    return text


class Captured:
    """Runs a call with stdout/stderr captured, stdin empty, argv fixed and a time limit."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.printed = ""

    def run(self, fn, *args, argv=None, stdin_text="", split=False):
        """`split`: stdout is kept apart (self.output) and only stderr is what it printed."""
        out = io.StringIO()
        err = io.StringIO() if split else out
        saved = (sys.stdout, sys.stderr, sys.stdin, sys.argv)
        sys.stdout = out
        sys.stderr = err
        sys.stdin = io.StringIO(stdin_text)
        sys.argv = list(argv) if argv else ["candidate.py"]
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        try:
            return fn(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr, sys.stdin, sys.argv = saved
            self.printed = short(err.getvalue(), PRINT_KEEP)
            self.output = out.getvalue() if split else None


def as_text(value, max_chars):
    """(text, problem): a str result as is, bytes as UTF-8; anything else is a problem."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError as e:
            return None, "returned bytes that are not UTF-8 (byte %d)" % e.start
    if not isinstance(value, str):
        return None, "returned %s, not the CSV text" % (
            "None" if value is None else type(value).__name__)
    if len(value) > max_chars:
        return None, "returned %d characters, more than the %d allowed" % (len(value), max_chars)
    return value, None


def read_output(path, max_chars):
    if not _exists(path):
        return None, "wrote no file at the output path"
    with _open(path, "rb") as f:
        data = f.read(max_chars * 4 + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, "wrote a file that is not UTF-8 (byte %d; another encoding such as cp932?)" % e.start
    if len(text) > max_chars:
        return None, "wrote more than %d characters" % max_chars
    return text, None


def call_style(fn, style, fixture, limit, max_chars, job):
    """Runs one call; returns (text, problem, printed, where)."""
    in_path = fixture["path"]
    out_path = os.path.join(OUT_DIR, fixture["name"] + "." + job["output_ext"])
    if _exists(out_path):
        _remove(out_path)
    call = Captured(limit)
    try:
        if style == "records":
            value = call.run(fn, copy.deepcopy(fixture["records"]))
        elif style in ("json-text", "text"):
            value = call.run(fn, fixture["text"])
        elif style == "paths":
            call.run(fn, in_path, out_path)
            value = None
        elif style == "path-in":
            value = call.run(fn, in_path)
        elif style == "records-path":
            call.run(fn, copy.deepcopy(fixture["records"]), out_path)
            value = None
        elif style == "stdio":
            try:
                call.run(exec, job["script"], {"__name__": "__main__", "__file__": CANDIDATE},
                         argv=["candidate.py", in_path], stdin_text=fixture["text"], split=True)
            except SystemExit as e:
                if e.code not in (None, 0):
                    raise
            value = call.output
        elif style == "cli":
            try:
                call.run(fn, argv=["candidate.py", in_path, out_path])
            except SystemExit as e:
                if e.code not in (None, 0):
                    raise
            value = None
        else:
            return None, "unknown style " + style, "", None
    except BaseException as e:  # noqa: B902 - everything the candidate raises is a result
        return None, describe_exception(e), call.printed, where(e)
    if style in ("paths", "records-path", "cli"):
        text, problem = read_output(out_path, max_chars)
    else:
        text, problem = as_text(value, max_chars)
    return text, problem, call.printed, None


def rank_functions(functions, entry):
    """(name, styles-allowed) in the order to try; see the module docstring."""
    if entry:
        return [entry] if entry in functions else []
    lower = {name: name.lower() for name in functions}
    tried = []

    def add(names):
        for n in names:
            if n not in tried and n != "main":
                tried.append(n)

    add([n for n in functions if "json" in lower[n] and "csv" in lower[n]])
    csv_named = [n for n in functions if "csv" in lower[n]]
    add([n for n in csv_named if "to_csv" in lower[n] or "convert" in lower[n]])
    add(csv_named)
    add([n for n in functions if "convert" in lower[n]])
    rest = [n for n in functions if n not in tried and n != "main" and not n.startswith("_")]
    if len(rest) == 1:
        add(rest)
    if "main" in functions:
        tried.append("main")
    return tried


def allowed_text(packages):
    """'pandas, numpy, the standard library', or 'the standard library'."""
    return ", ".join(list(packages) + ["the standard library"])


class ImportPolicy:
    """A meta-path finder consulted before the others: refuses a module outside the standard
    library and the task's packages when the candidate's code asked for it."""

    def __init__(self, packages):
        self.allowed = set(packages) | set(sys.stdlib_module_names) | {"candidate"}
        self.text = allowed_text(packages)
        self.importlib_dir = os.path.dirname(importlib.__file__)

    def asked_by_candidate(self):
        # The nearest frame outside the import machinery: the candidate's code, or a package's
        # own import of what it needs.
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if not (name.startswith("<frozen importlib") or name.startswith(self.importlib_dir)):
                return name == CANDIDATE
            frame = frame.f_back
        return False

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in self.allowed or not self.asked_by_candidate():
            return None
        raise ModuleNotFoundError(
            "the answer imports %r; this task allows only: %s" % (top, self.text), name=top)


def package_versions(packages):
    """{module: the version of the distribution providing it, or None}, read from the installed
    metadata without importing anything."""
    if not packages:
        return {}
    try:
        from importlib import metadata
        providers = metadata.packages_distributions()
    except Exception:  # noqa: BLE001 - versions are a report, never a reason to stop
        providers = {}
    versions = {}
    for module in packages:
        version = None
        for dist in providers.get(module, [module]):
            try:
                version = metadata.version(dist)
                break
            except Exception:  # noqa: BLE001
                continue
        versions[module] = version
    return versions


def judge_tail(exc, name, limit=6):
    """The last lines of the judge's traceback, its file shown by the name the task gave it."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    lines = text.replace(JUDGE, name).rstrip().splitlines()
    return "\n".join(lines[-limit:])


def plain(value):
    """A numpy scalar as the Python value it holds; anything else unchanged."""
    if not isinstance(value, (bool, int, float, str, bytes, tuple, list)) and hasattr(value, "item"):
        try:
            return value.item()
        except Exception:  # noqa: BLE001 - then it is judged as it is
            return value
    return value


def judge_verdict(value):
    """The fields of the "verdict" event for what check() returned."""
    value = plain(value)
    reason = ""
    if isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[1], str):
        value, reason = plain(value[0]), value[1]
    if isinstance(value, bool):
        return {"ok": True, "passed": value, "reason": short(reason, 1000)}
    if isinstance(value, (int, float)):
        try:
            score = float(value)
        except OverflowError:
            score = float("nan")
        if score != score or score in (float("inf"), float("-inf")):
            return {"ok": False, "error": "check() returned the score %s, which is no finite number" % short(value, 40)}
        return {"ok": True, "score": score, "reason": short(reason, 1000)}
    return {"ok": False, "error": "check() returned %s; return a bool, (bool, reason) or a number (a score, "
            "compared with the assertion's threshold)" % short(repr(value), 80)}


def judge_main(job):
    """`python` assertions: the task's own check(answer, vars), judging the answer as data.

    Work directory: judge.py (the task's code), answer.txt (the answer, UTF-8) and job.json
    {"mode": "judge", "vars": {...}, "timeout_s", "judge_name"}. The events after "hello":
      {"event": "load"}       the judge's code is about to run
      {"event": "verdict", "ok": true, "passed": bool | "score": number, "reason", "printed"}
      {"event": "verdict", "ok": false, "error", "traceback", "printed"}
      {"event": "done"}
    Nothing of the answer ever runs: it reaches check() as a str.
    """
    with _open(os.path.join(WORK, "answer.txt"), encoding="utf-8", errors="replace") as f:
        answer = f.read()
    variables = job.get("vars") or {}
    name = str(job.get("judge_name", "judge.py"))
    signal.signal(signal.SIGALRM, _on_alarm)
    module = types.ModuleType("judge")
    module.__file__ = JUDGE
    sys.modules["judge"] = module
    call = Captured(float(job.get("timeout_s", 10)))
    emit("load")
    try:
        with _open(JUDGE, encoding="utf-8") as f:
            code = compile(f.read(), JUDGE, "exec")
        call.run(exec, code, module.__dict__)
        check = vars(module).get("check")
        if not callable(check):
            emit("verdict", ok=False, error="the judge defines no function check(answer, vars)", printed=call.printed)
            emit("done")
            return
        value = call.run(check, answer, variables)
        verdict = judge_verdict(value)
    except BaseException as e:  # noqa: B902 - whatever the judge raises is reported, never a verdict
        emit("verdict", ok=False, error=describe_exception(e).replace(JUDGE, name),
             traceback=judge_tail(e, name), printed=call.printed)
        emit("done")
        return
    emit("verdict", printed=call.printed, **verdict)
    emit("done")


def main():
    emit("hello", protocol=2, python=platform.python_version())
    job = json.load(_open(os.path.join(WORK, "job.json"), encoding="utf-8"))
    if job.get("mode") == "judge":
        judge_main(job)
        return
    max_chars = int(job.get("max_output_chars", 1000000))
    call_limit = float(job.get("call_timeout_s", 2))
    input_json = bool(job.get("input_json", True))
    job.setdefault("output_ext", "csv")
    os.makedirs(OUT_DIR, exist_ok=True)

    fixtures = []
    for item in job["fixtures"]:
        path = os.path.join(WORK, item["input"])
        with _open(path, encoding="utf-8") as f:
            text = f.read()
        fixtures.append({"name": item["name"], "path": path, "text": text,
                         "records": json.loads(text) if input_json else None})

    signal.signal(signal.SIGALRM, _on_alarm)
    module = types.ModuleType("candidate")
    module.__file__ = CANDIDATE
    sys.modules["candidate"] = module
    load = Captured(float(job.get("import_timeout_s", 5)))
    packages = [str(p) for p in job.get("packages", [])]
    versions = package_versions(packages)
    sys.meta_path.insert(0, ImportPolicy(packages))
    # From here on, everything depends on the candidate's bytes (even reading its file).
    emit("load", packages=versions)
    try:
        with _open(CANDIDATE, encoding="utf-8") as f:
            source = f.read()
        code = compile(source, CANDIDATE, "exec")
        job["script"] = code
        load.run(exec, code, module.__dict__)
    except SyntaxError as e:
        emit("import", ok=False, fatal=True,
             error="SyntaxError: %s (line %s)" % (e.msg, e.lineno))
        emit("done")
        return
    except CallTimeout:
        emit("import", ok=False, fatal=True,
             error="its top-level code did not finish within %g s (an endless loop?)"
             % load.seconds, printed=load.printed)
        emit("done")
        return
    except BaseException as e:  # noqa: B902 - a top-level exception is reported, then we go on
        emit("import", ok=False, fatal=False, error=describe_exception(e), where=where(e),
             printed=load.printed)
    else:
        emit("import", ok=True, printed=load.printed)

    functions = [name for name, value in list(vars(module).items())
                 if isinstance(value, types.FunctionType)
                 and getattr(value, "__module__", None) == "candidate"]
    emit("functions", names=functions)

    entry = job.get("entry") or ""
    style = job.get("style") or "auto"
    names = [SCRIPT] if style == "stdio" else rank_functions(functions, entry)
    # Fixtures with content first: an empty input says little about how to call the code.
    def has_content(f):
        return bool(f["records"]) if input_json else bool(f["text"].strip())
    probe_order = [f for f in fixtures if has_content(f)] + [f for f in fixtures if not has_content(f)]
    chosen = None
    results = {}  # fixture name -> (text, problem, printed, where), for the chosen way
    first_call = True
    for name in names:
        fn = vars(module).get(name)
        if style != "auto":
            styles = [style]
        elif name == "main" and not entry:
            styles = ["cli"]
        else:
            styles = list(STYLES if input_json else TEXT_STYLES)
        for s in styles:
            attempt = {"function": name, "style": s, "ok": False}
            results = {}
            for fixture in probe_order:
                emit("current", fixture=fixture["name"])
                # The first call may import heavy modules: it gets the load budget.
                limit = max(call_limit, load.seconds) if first_call else call_limit
                first_call = False
                outcome = call_style(fn, s, fixture, limit, max_chars, job)
                results[fixture["name"]] = outcome
                text, problem, printed, at = outcome
                if problem is None:
                    attempt["ok"] = True
                    break
                if "error" not in attempt:
                    attempt["error"] = problem
                    attempt["fixture"] = fixture["name"]
                    if at:
                        attempt["where"] = at
                    if printed:
                        attempt["printed"] = printed
            emit("attempt", **attempt)
            if attempt["ok"]:
                chosen = (name, s)
                break
        if chosen:
            break
    if chosen is None:
        emit("done")
        return

    name, s = chosen
    emit("chosen", entry=name, style=s)
    fn = vars(module).get(name)
    for fixture in fixtures:
        if fixture["name"] in results:
            text, problem, printed, at = results[fixture["name"]]
        else:
            emit("current", fixture=fixture["name"])
            text, problem, printed, at = call_style(fn, s, fixture, call_limit, max_chars, job)
        record = {"name": fixture["name"], "ok": problem is None}
        if problem is None:
            record["output"] = text
        else:
            record["error"] = problem
            if at:
                record["where"] = at
        if printed:
            record["printed"] = printed
        emit("fixture", **record)
    emit("done")


if __name__ == "__main__":
    main()
    # Nothing of the candidate's (atexit handlers, threads) runs after the report is complete.
    _exit(0)
