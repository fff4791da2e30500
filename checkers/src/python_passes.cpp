// SPDX-License-Identifier: MIT
// `python-passes`: the Python code extracted from the answer, run in the sandbox by goodput's
// driver (checkers/python/goodput_driver.py, embedded), turns every fixture input into its
// expected output. One part per fixture. JSON→CSV is the built-in example; the inputs and
// outputs may be other files (README "python-passes").
//
//   - type: python-passes
//     fixtures: fixtures/json_to_csv/contract   # NAME.json inputs, NAME.csv expected outputs
//     input: json            # optional: the inputs' extension (default json)
//     output: csv            # optional: csv | json | any other extension, compared as text
//     entry: json_to_csv     # optional: the function to call (default: see the conventions)
//     style: records         # optional: records | json-text | text | paths | path-in |
//                            #           records-path | cli | stdio | auto (default auto)
//     timeout: 20            # seconds for the whole run (default 20)
//     memory_mb: 512         # address space of the Python process (default 512)
//
// Trust: the candidate controls the Python process, so the driver only reports what the code
// produced, through the result channel (a pipe; see the driver's docstring for the protocol);
// the expected outputs never enter the sandbox and the comparison happens here
// (output_compare.hpp has the comparing rules).
//
// Outcomes: a fixture passes when its output matches. Anything the candidate's code does counts
// against the model: an exception, a wrong result type, no way of calling it that works, a
// syntax error, an endless loop or any sandbox limit it runs into (time, CPU, memory, output,
// file size, scratch space), killing its own process, or interfering with the harness (lines
// on the result channel that are not the driver's, a missing or cut report, an unclean exit
// after the report); a run cut by a limit keeps the fixtures already judged, fails the one in
// progress ("did not finish") and the rest ("not run"). An *error* (never a model failure) is
// goodput's side failing, decided only from what happened before the driver announced that it
// was about to touch the candidate's code: no sandbox, python3 not starting, or the driver
// stopping before that announcement. Nothing the candidate does can produce one.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "builtin_types.hpp"
#include "goodput/json_text.hpp"
#include "check_message.hpp"
#include "output_compare.hpp"
#include "file_text.hpp"
#include "driver_channel.hpp"
#include "goodput/checkers/code_extract.hpp"
#include "python_sandbox.hpp"

namespace goodput::checkers::detail {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double k_passes_default_timeout_s = 20;
constexpr std::int64_t k_default_memory_mb = 512;
constexpr std::int64_t k_default_scratch_mb = 64;
constexpr std::size_t k_max_output_chars = 1'000'000;
// The report carries every fixture's output, escaped to ASCII JSON (up to 6 bytes a character).
constexpr std::size_t k_channel_bytes = 16u << 20;

const std::vector<std::string>& known_styles() {
  static const std::vector<std::string> k_styles{"auto", "records", "json-text", "text", "paths",
                                                 "path-in", "records-path", "cli", "stdio"};
  return k_styles;
}

struct Fixture {
  std::string name;        // "quoting"
  std::string input_file;  // "quoting.json"
  std::string input;       // the input file's text
  ExpectedOutput expected;
};

// What a fixture directory holds: NAME.<input> inputs, NAME.<output> expected outputs.
struct FixtureFormat {
  std::string input = "json";
  std::string output = "csv";
};

std::string read_file(const fs::path& path) { return file_text(path.string()).value_or(""); }

std::vector<Fixture> load_fixtures(const std::string& dir, const FixtureFormat& format) {
  const std::string pairs = "NAME." + format.input + " inputs and NAME." + format.output + " expected outputs";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw ParamError("fixtures", "python-passes: 'fixtures' must be a directory of " + pairs + "; " + dir +
                                     " is not a directory");
  }
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == "." + format.input) inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    throw ParamError("fixtures", "python-passes: no fixtures (*." + format.input + ") in " + dir);
  }
  const OutputFormat output = output_format_of(format.output);
  std::vector<Fixture> fixtures;
  for (const auto& input : inputs) {
    Fixture fixture;
    fixture.name = input.stem().string();
    fixture.input_file = input.filename().string();
    fixture.input = read_file(input);
    if (format.input == "json") {
      const json parsed = json::parse(fixture.input, nullptr, false);
      // The JSON→CSV convention passes records: an array of objects.
      const bool usable = output == OutputFormat::csv ? parsed.is_array() : !parsed.is_discarded();
      if (!usable) {
        throw ParamError("fixtures", "python-passes: fixture " + input.string() + " must hold " +
                                         (output == OutputFormat::csv ? "a JSON array of records" : "JSON"));
      }
    }
    fs::path expected = input;
    expected.replace_extension("." + format.output);
    if (!fs::is_regular_file(expected, ec)) {
      throw ParamError("fixtures", "python-passes: fixture " + input.string() +
                                       " has no expected output " + expected.filename().string() +
                                       " beside it");
    }
    try {
      fixture.expected = read_expected_output(output, read_file(expected));
    } catch (const std::invalid_argument& e) {
      throw ParamError("fixtures", "python-passes: expected output " + expected.string() + " is " + e.what());
    }
    fixtures.push_back(std::move(fixture));
  }
  return fixtures;
}

std::string str(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool flag(const json& object, const char* key) {
  if (!object.is_object()) return false;
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

// How a (function, style) pair is called, in words: "json_to_csv(records) -> str".
std::string call_form(const std::string& function, const std::string& style) {
  const std::string f = function.empty() ? "f" : function;
  if (style == "records") return f + "(records) -> str";
  if (style == "json-text") return f + "(json_text) -> str";
  if (style == "text") return f + "(input_text) -> str";
  if (style == "stdio") return "the code as a script: the input on stdin (and argv[1] its path), the output on stdout";
  if (style == "paths") return f + "(input_path, output_path)";
  if (style == "path-in") return f + "(input_path) -> str";
  if (style == "records-path") return f + "(records, output_path)";
  if (style == "cli") return f + "() as a command line: candidate.py INPUT OUTPUT";
  return f + " (" + style + ")";
}

// A member of a JSON object, or null: the report comes from a process the candidate controls,
// so nothing about its shape is trusted.
const json& member(const json& object, const char* key) {
  static const json k_null;
  if (!object.is_object()) return k_null;
  const auto it = object.find(key);
  return it == object.end() ? k_null : *it;
}

// "raised KeyError: 'c' (line 7, in json_to_csv: row[k]); it printed 'x'".
std::string problem_text(const json& record) {
  std::string out = str(record, "error");
  if (out.empty()) out = "failed";
  const std::string at = str(record, "where");
  if (!at.empty()) out += " (" + at + ")";
  const std::string printed = str(record, "printed");
  if (!printed.empty()) out += "; it printed " + quote(printed, 40);
  return out;
}

// The driver's channel folded into the report judge() reads: phase ("start", "load", "probe",
// "fixtures", "done"), python, import, functions, attempts, entry, style, fixtures, current.
// `problem` says why the lines cannot all be the driver's: a malformed line, or one out of the
// driver's order (see the driver's docstring); whether that is goodput's fault or the
// candidate's depends on whether `loading` was reached first.
struct DriverReport {
  bool hello = false;
  bool loading = false;
  bool done = false;
  json state;
  std::string problem;
};

// The events the driver may write after each one, in the order the driver writes them.
bool follows(const std::string& previous, const std::string& next, bool fatal_import) {
  if (previous == "load") return next == "import";
  if (previous == "import") return fatal_import ? next == "done" : next == "functions";
  if (previous == "functions" || previous == "current" || previous == "attempt") {
    return next == "current" || next == "attempt" || next == "chosen" || next == "done" ||
           (next == "fixture" && previous == "current");
  }
  if (previous == "chosen" || previous == "fixture") {
    return next == "current" || next == "fixture" || next == "done";
  }
  return false;
}

DriverReport fold_events(const ChannelRead& read, const std::vector<Fixture>& fixtures) {
  DriverReport report;
  json& state = report.state;
  state = {{"phase", "start"},          {"import", {{"ok", true}}}, {"functions", json::array()},
           {"attempts", json::array()}, {"fixtures", json::array()}};
  std::set<std::string> fixtures_seen;
  std::string previous;
  bool chosen = false;
  auto wrong = [&report](std::size_t index, const std::string& why) {
    report.problem = "line " + std::to_string(index + 1) + " " + why;
  };
  for (std::size_t i = 0; i < read.events.size() && report.problem.empty(); ++i) {
    json event = read.events[i];
    const std::string name = event["event"].get<std::string>();
    event.erase("event");
    const bool fatal_import = flag(state["import"], "fatal");
    if (report.done) {
      wrong(i, "came after the driver's last report (\"" + name + "\")");
      break;
    }
    if (!report.hello) {
      if (name != "hello") wrong(i, "is not the driver's greeting (\"" + name + "\")");
      report.hello = true;
      state["python"] = str(event, "python");
      previous = name;
      continue;
    }
    if (!report.loading) {
      if (name != "load") wrong(i, "is out of the driver's order (\"" + name + "\" before \"load\")");
      report.loading = true;
      state["phase"] = "load";
      if (const json& packages = member(event, "packages"); packages.is_object()) state["packages"] = packages;
      previous = name;
      continue;
    }
    // The fixture lines of the chosen way come after "chosen"; while probing, a "current" may
    // be followed by the next attempt or fixture only.
    if (!follows(previous, name, fatal_import) || (name == "fixture" && !chosen)) {
      wrong(i, "is out of the driver's order (\"" + name + "\" after \"" + previous + "\")");
      break;
    }
    previous = name;
    if (name == "import") {
      state["import"] = event;
    } else if (name == "functions") {
      const json& names = member(event, "names");
      if (!names.is_array()) wrong(i, "has no list of functions");
      state["functions"] = names;
      state["phase"] = "probe";
    } else if (name == "current") {
      state["current"] = str(event, "fixture");
    } else if (name == "attempt") {
      state["attempts"].push_back(event);
    } else if (name == "chosen") {
      chosen = true;
      state["entry"] = str(event, "entry");
      state["style"] = str(event, "style");
      state["phase"] = "fixtures";
    } else if (name == "fixture") {
      const std::string fixture = str(event, "name");
      const bool known = std::any_of(fixtures.begin(), fixtures.end(),
                                     [&fixture](const Fixture& f) { return f.name == fixture; });
      if (!known) {
        wrong(i, "reports a fixture the job does not have: " + quote(fixture, 40));
      } else if (!fixtures_seen.insert(fixture).second) {
        wrong(i, "reports fixture " + quote(fixture, 40) + " a second time");
      }
      state["fixtures"].push_back(event);
    } else if (name == "done") {
      report.done = true;
      state["phase"] = "done";
      state["current"] = nullptr;
    }
  }
  if (report.problem.empty() && !read.problem.empty()) report.problem = read.problem;
  return report;
}

// How the sandboxed run ended, in the words the messages use.
struct RunEnding {
  bool limit = false;       // a limit the candidate's code ran into stopped it
  std::string limit_words;  // "hit the 20 s time limit"; empty for an ordinary exit
  std::string how_ended;    // "exited with code 1", or limit_words
  std::string tail;         // the last lines of stderr
};

RunEnding describe_ending(const sandbox::Result& run, const sandbox::Limits& limits) {
  RunEnding ending;
  ending.limit = ended_by_limit(run.reason);
  ending.limit_words = describe_limit_end(run, limits);
  ending.how_ended = run.reason == sandbox::EndReason::exited
                         ? "exited with code " + std::to_string(run.exit_code)
                         : ending.limit_words;
  ending.tail = stderr_tail(run.stderr_text);
  return ending;
}

// Why no fixture was judged: the check's outcome and message, and every fixture's part text.
struct NotRun {
  Outcome outcome;
  std::string message;
  std::string part;
};

// Nothing of the candidate's ran yet: goodput's side failed.
std::optional<NotRun> driver_failure(const DriverReport& report, const RunEnding& ending) {
  if (report.loading) return std::nullopt;
  std::string why = "the Python process " + ending.how_ended;
  if (!ending.tail.empty()) why += ": " + quote(ending.tail, 200);
  if (!report.problem.empty()) why += "; its report: " + report.problem;
  return NotRun{Outcome::error,
                (report.hello ? "the goodput driver stopped before loading the code ("
                              : "the goodput driver did not start (") + why + ")",
                "not run: the driver failed"};
}

std::optional<NotRun> harness_interference(const sandbox::Result& run, const DriverReport& report,
                                           const RunEnding& ending) {
  std::string what = report.problem;
  if (what.empty() && report.done &&
      !(run.reason == sandbox::EndReason::exited && run.exit_code == 0)) {
    what = "after the driver's last report the Python process " + ending.how_ended;
  }
  if (what.empty()) return std::nullopt;
  return NotRun{Outcome::fail,
                "the code under test interfered with the harness: " + what +
                    (ending.limit ? " (it " + ending.limit_words + ")" : ""),
                "not judged: the code interfered with the harness"};
}

// "loading the code raised ...; the functions defined before that point were used", when the
// code loaded only in part; empty when it loaded whole or not at all.
std::string partial_load_note(const json& state) {
  const json& load = member(state, "import");
  if (!load.is_object() || flag(load, "ok") || flag(load, "fatal")) return "";
  return "loading the code " + problem_text(load) +
         "; the functions defined before that point were used";
}

void record_load_facts(const json& state, CheckResult& result) {
  const std::string version = str(state, "python");
  if (!version.empty()) result.facts["python"] = version + " (" + std::string(k_python) + ")";
  // The task's packages as the sandbox has them (README "Python packages"): "pandas 1.5.3, numpy 1.24.2".
  if (const json& packages = member(state, "packages"); packages.is_object() && !packages.empty()) {
    std::string text;
    for (const auto& [module, v] : packages.items())
      text += (text.empty() ? "" : ", ") + module + " " + (v.is_string() ? v.get<std::string>() : std::string("(version unknown)"));
    result.facts["python packages"] = text;
  }
  const std::string load_note = partial_load_note(state);
  if (!load_note.empty()) result.facts["import"] = load_note;
}

std::optional<NotRun> load_failure(const json& state, const RunEnding& ending) {
  const json& load = member(state, "import");
  if (flag(load, "fatal")) {
    const std::string why = str(load, "error");
    return NotRun{Outcome::fail, "the code does not load: " + why, "not run: the code does not load"};
  }
  if (str(state, "phase") == "load") {
    return NotRun{Outcome::fail,
                  "loading the code, the Python process " + ending.how_ended +
                      (ending.limit ? "" : ending.tail.empty() ? "" : ": " + quote(ending.tail, 200)),
                  "not run: the code did not load"};
  }
  return std::nullopt;
}

// The driver's record of each fixture it ran, by fixture name; records that are not objects
// are skipped.
std::map<std::string, const json*> produced_by_name(const json& state) {
  std::map<std::string, const json*> produced;
  if (member(state, "fixtures").is_array()) {
    for (const json& record : member(state, "fixtures")) {
      if (record.is_object()) produced.emplace(str(record, "name"), &record);
    }
  }
  return produced;
}

class PythonPassesChecker final : public Checker {
 public:
  PythonPassesChecker(std::string dir, FixtureFormat format, std::vector<Fixture> fixtures, std::string entry,
                      std::string style, double timeout_s, std::int64_t memory_mb,
                      std::int64_t scratch_mb, std::string backend, std::vector<std::string> packages)
      : m_dir(std::move(dir)),
        m_format(std::move(format)),
        m_fixtures(std::move(fixtures)),
        m_entry(std::move(entry)),
        m_style(std::move(style)),
        m_timeout_s(timeout_s),
        m_memory_mb(memory_mb),
        m_scratch_mb(scratch_mb),
        m_backend(std::move(backend)),
        m_packages(std::move(packages)) {}

  CheckResult check(const Completion& completion) const override {
    ExtractOptions options;
    options.entry = m_entry;
    options.prefer = {"csv", "json", "convert"};
    const ExtractedCode code = extract_python(completion.answer, options);
    if (!code.found) {
      std::string message = code.message;
      if (completion.reasoning.find("```") != std::string::npos) {
        message += "; the reasoning holds a code block, but reasoning is not judged";
      }
      return not_run(Outcome::fail, message, "not run: no Python code in the answer");
    }

    std::string setup_error;
    const auto box = python_sandbox(m_backend, setup_error);
    if (!box) return not_run(Outcome::error, setup_error, "not run: " + setup_error);

    sandbox::Request request = make_request(code.code);
    const sandbox::Result run = box->run(request);
    CheckResult result;
    add_sandbox_facts(result, *box, run, request.limits);
    result.facts["code"] = code.source;
    judge(run, request.limits, code, result);
    return result;
  }

  std::string describe() const override {
    std::string out = "python-passes: " + std::to_string(m_fixtures.size()) + " fixtures from " +
                      fs::path(m_dir).filename().string() + ", ";
    if (!m_entry.empty() && m_style != "auto") return out + "calling " + call_form(m_entry, m_style);
    out += "calling " + (m_entry.empty() ? std::string("the first function named like *json*csv*, "
                                                       "*csv*, *convert* or the only function")
                                         : m_entry);
    if (m_style != "auto") return out + " as " + call_form("f", m_style);
    return out + " as the first of f(records) -> str, f(json_text) -> str, "
                 "f(input_path, output_path), f(input_path) -> str, f(records, output_path), "
                 "then main() as a command line, that works on a fixture";
  }

 private:
  sandbox::Request make_request(const std::string& code) const {
    std::vector<sandbox::File> files{{"candidate.py", code}};
    json job;
    job["entry"] = m_entry;
    job["style"] = m_style;
    job["input_json"] = m_format.input == "json";
    job["output_ext"] = m_format.output;
    const double n = static_cast<double>(m_fixtures.size());
    job["import_timeout_s"] = std::clamp(m_timeout_s / 4, 1.0, 5.0);
    job["call_timeout_s"] = std::clamp(m_timeout_s / (n + 4), 0.5, 5.0);
    job["max_output_chars"] = k_max_output_chars;
    job["packages"] = m_packages;
    job["fixtures"] = json::array();
    for (const auto& fixture : m_fixtures) {
      const std::string path = "inputs/" + fixture.input_file;
      job["fixtures"].push_back({{"name", fixture.name}, {"input", path}});
      files.push_back({path, fixture.input});  // inputs only: never the expected CSV
    }
    sandbox::Request request = driver_request(std::move(files), goodput::detail::json_text(job), m_timeout_s, m_memory_mb);
    request.limits.channel_bytes = k_channel_bytes;
    request.limits.scratch_bytes = static_cast<std::uint64_t>(m_scratch_mb) << 20;
    return request;
  }

  CheckResult not_run(Outcome outcome, const std::string& message, const std::string& part) const {
    CheckResult result{outcome, "python-passes: " + message};
    for (const auto& fixture : m_fixtures) {
      result.parts.push_back({"fixture " + fixture.input_file, outcome, part});
    }
    return result;
  }

  void fill_not_run(CheckResult& result, Outcome outcome, const std::string& message,
                    const std::string& part) const {
    const CheckResult base = not_run(outcome, message, part);
    result.outcome = base.outcome;
    result.message = base.message;
    result.parts = base.parts;
  }

  void judge(const sandbox::Result& run, const sandbox::Limits& limits, const ExtractedCode& code,
             CheckResult& result) const {
    if (run.reason == sandbox::EndReason::failed_to_start) {
      fill_not_run(result, Outcome::error,
                   "the sandbox could not run " + std::string(k_python) + ": " + run.error,
                   "not run: the sandbox could not start");
      return;
    }
    const DriverReport report = fold_events(read_channel(run.channel_text, run.channel_truncated), m_fixtures);
    const RunEnding ending = describe_ending(run, limits);
    if (const std::optional<NotRun> stop = stop_before_fixtures(run, report, ending, result)) {
      fill_not_run(result, stop->outcome, stop->message, stop->part);
      return;
    }
    summarize(fixture_parts(run, report.state, ending), report.state, code, result);
  }

  // Why no fixture is judged; nothing when the fixtures are judged. The order decides the blame:
  // the driver failing before it loaded the code is goodput's error, anything after is the
  // candidate's. The python and import facts are only recorded once the harness is trusted.
  std::optional<NotRun> stop_before_fixtures(const sandbox::Result& run, const DriverReport& report,
                                             const RunEnding& ending, CheckResult& result) const {
    if (std::optional<NotRun> stop = driver_failure(report, ending)) return stop;
    // From here on every problem is the candidate's doing.
    if (std::optional<NotRun> stop = harness_interference(run, report, ending)) return stop;
    record_load_facts(report.state, result);
    if (std::optional<NotRun> stop = load_failure(report.state, ending)) return stop;
    if (str(report.state, "entry").empty()) return no_entry(run, report.state, ending);
    return std::nullopt;
  }

  // No way of calling the code worked (or the run stopped while trying).
  NotRun no_entry(const sandbox::Result& run, const json& state, const RunEnding& ending) const {
    std::string message;
    if (str(state, "phase") == "probe" &&
        (ending.limit || run.reason != sandbox::EndReason::exited || run.exit_code != 0)) {
      message = "the Python process " + ending.how_ended + " while trying the code on fixture " +
                str(state, "current") + ".json";
    } else {
      message = describe_no_entry(state);
    }
    const std::string load_note = partial_load_note(state);
    if (!load_note.empty()) message += "; " + load_note;
    return {Outcome::fail, message, "not run: " + message};
  }

  // One part per fixture, in order.
  std::vector<CheckPart> fixture_parts(const sandbox::Result& run, const json& state,
                                       const RunEnding& ending) const {
    const std::map<std::string, const json*> produced = produced_by_name(state);
    const std::string entry = str(state, "entry");
    const std::string style = str(state, "style");
    const std::string current = str(state, "current");
    const bool finished = str(state, "phase") == "done";
    std::vector<CheckPart> parts;
    for (const auto& fixture : m_fixtures) {
      CheckPart part{"fixture " + fixture.input_file, Outcome::fail, ""};
      const auto it = produced.find(fixture.name);
      if (it != produced.end()) {
        judge_fixture(*it->second, fixture, entry, style, part);
      } else if (!finished && fixture.name == current) {
        part.message = "did not finish: the Python process " + ending.how_ended +
                       (run.reason == sandbox::EndReason::timed_out ? " (an endless loop?)" : "");
      } else {
        part.message = "not run: the Python process " + ending.how_ended + " before it got there";
      }
      parts.push_back(std::move(part));
    }
    return parts;
  }

  // The check's outcome and message from the fixtures' parts, which it takes over.
  void summarize(std::vector<CheckPart> parts, const json& state, const ExtractedCode& code,
                 CheckResult& result) const {
    const std::string calling = call_form(str(state, "entry"), str(state, "style"));
    result.facts["entry"] = str(state, "entry");
    result.facts["style"] = str(state, "style") + ": " + calling;
    std::size_t failures = 0;
    std::string first_failure;
    for (auto& part : parts) {
      if (part.outcome != Outcome::pass) {
        ++failures;
        if (first_failure.empty()) first_failure = part.name + ": " + part.message;
      }
      result.parts.push_back(std::move(part));
    }
    if (failures == 0) {
      result.outcome = Outcome::pass;
      result.message = "python-passes: all " + std::to_string(m_fixtures.size()) +
                       " fixtures pass, calling " + calling + " (" + code.source + ")";
    } else {
      result.outcome = Outcome::fail;
      result.message = "python-passes: " + std::to_string(failures) + " of " +
                       std::to_string(m_fixtures.size()) + " fixtures fail, calling " + calling +
                       "; first: " + first_failure;
    }
    const std::string load_note = partial_load_note(state);
    if (!load_note.empty()) result.message += " (note: " + load_note + ")";
  }

  static void judge_fixture(const json& record, const Fixture& fixture, const std::string& entry,
                            const std::string& style, CheckPart& part) {
    if (!flag(record, "ok")) {
      part.message = call_form(entry, style) + " " + problem_text(record);
      return;
    }
    const OutputVerdict verdict = compare_output(fixture.expected, str(record, "output"));
    part.outcome = verdict.matches ? Outcome::pass : Outcome::fail;
    part.message = verdict.message;
  }

  std::string describe_no_entry(const json& state) const {
    std::vector<std::string> functions;
    if (member(state, "functions").is_array()) {
      for (const json& f : member(state, "functions")) {
        if (f.is_string()) functions.push_back(f.get<std::string>());
      }
    }
    std::string list;
    for (std::size_t i = 0; i < functions.size(); ++i) list += (i ? ", " : "") + functions[i];
    const json& attempts = member(state, "attempts");
    if (!attempts.is_array() || attempts.empty()) {
      if (!m_entry.empty()) {
        return "the code defines no top-level function " + m_entry +
               (functions.empty() ? std::string(" (it defines no function at all)")
                                  : " (it defines " + list + ")");
      }
      if (functions.empty()) return "the code defines no top-level function to call";
      return "no function to call: none is named like a JSON→CSV converter and there is more "
             "than one (the code defines " + list + ")";
    }
    std::string message = "no way of calling the code worked on any fixture: ";
    std::size_t shown = 0;
    for (const json& attempt : attempts) {
      if (shown == 6) {
        message += "; …";
        break;
      }
      message += (shown++ ? "; " : "") + call_form(str(attempt, "function"), str(attempt, "style")) +
                 " " + problem_text(attempt);
      const std::string fixture = str(attempt, "fixture");
      if (!fixture.empty()) message += " [" + fixture + ".json]";
    }
    return message;
  }

  std::string m_dir;
  FixtureFormat m_format;
  std::vector<Fixture> m_fixtures;
  std::string m_entry;
  std::string m_style;
  double m_timeout_s;
  std::int64_t m_memory_mb;
  std::int64_t m_scratch_mb;
  std::string m_backend;
  std::vector<std::string> m_packages;
};

bool is_identifier(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

CheckerType python_passes_type() {
  return {"python-passes",
          "the answer's Python turns every fixture input (NAME.json) into its expected output (NAME.csv; or JSON, "
          "or text), run in the sandbox",
          {{"fixtures", ParamType::path, true,
            "directory of NAME.<input> inputs and NAME.<output> expected outputs (default NAME.json, NAME.csv)"},
           {"input", ParamType::string, false, "the inputs' extension (default json; other inputs are passed as text)"},
           {"output", ParamType::string, false,
            "the expected outputs' extension: csv (compared as tables), json (as values) or any other (as text); default csv"},
           {"entry", ParamType::string, false,
            "the function to call (default: named like *json*csv*, *csv*, *convert*, or the only one)"},
           {"style", ParamType::string, false,
            "records | json-text | text | paths | path-in | records-path | cli | stdio | auto (default auto)"},
           {"timeout", ParamType::number, false, "seconds for the whole run (default 20)"},
           {"memory_mb", ParamType::integer, false,
            "memory for the whole run (every process, its files, /tmp), MB (default 512)"},
           {"scratch_mb", ParamType::integer, false,
            "space for files the code writes (work directory, /tmp), MB (default 64)"},
           k_sandbox_param,
           k_packages_param},
          [](const Params& params) -> std::unique_ptr<Checker> {
            const std::string dir = params.string("fixtures");
            std::string entry = params.optional_string("entry").value_or("");
            if (!entry.empty() && !is_identifier(entry)) {
              throw ParamError("entry", "python-passes: 'entry' must be a Python function name, got '" +
                                            entry + "'");
            }
            std::string style = params.optional_string("style").value_or("auto");
            const auto& styles = known_styles();
            if (std::find(styles.begin(), styles.end(), style) == styles.end()) {
              throw ParamError("style", "python-passes: unknown style '" + style +
                                            "'; use records, json-text, text, paths, path-in, "
                                            "records-path, cli, stdio or auto");
            }
            const double timeout = params.optional_number("timeout").value_or(k_passes_default_timeout_s);
            if (!(timeout > 0) || timeout > 600) {
              throw ParamError("timeout", "python-passes: 'timeout' must be between 0 and 600 "
                                          "seconds, got " + format_number(timeout));
            }
            const std::int64_t memory = params.optional_integer("memory_mb").value_or(k_default_memory_mb);
            if (memory < 64 || memory > 65536) {
              throw ParamError("memory_mb", "python-passes: 'memory_mb' must be between 64 and "
                                            "65536, got " + std::to_string(memory));
            }
            const std::int64_t scratch = params.optional_integer("scratch_mb").value_or(k_default_scratch_mb);
            if (scratch < 1 || scratch > 65536) {
              throw ParamError("scratch_mb", "python-passes: 'scratch_mb' must be between 1 and "
                                             "65536, got " + std::to_string(scratch));
            }
            FixtureFormat format;
            format.input = params.optional_string("input").value_or(format.input);
            format.output = params.optional_string("output").value_or(format.output);
            for (const auto& [field, extension] : {std::pair{"input", format.input}, std::pair{"output", format.output}}) {
              if (extension.empty() || extension.size() > 16 || !is_identifier(extension)) {
                throw ParamError(field, std::string("python-passes: '") + field + "' is a file extension without the dot, "
                                        "such as json, csv or txt; got '" + extension + "'");
              }
            }
            if (format.input == format.output) {
              throw ParamError("output", "python-passes: the inputs and the expected outputs need different extensions "
                                         "(both are '" + format.input + "')");
            }
            if (format.input != "json" && (style == "records" || style == "records-path" || style == "json-text")) {
              throw ParamError("style", "python-passes: style '" + style + "' passes JSON records, but the inputs are ." +
                                            format.input + " files; use text, paths, path-in, cli or stdio");
            }
            std::vector<Fixture> fixtures = load_fixtures(dir, format);
            return std::make_unique<PythonPassesChecker>(dir, std::move(format), std::move(fixtures), std::move(entry),
                                                         std::move(style), timeout, memory, scratch,
                                                         sandbox_backend_param(params), packages_param(params));
          }};
}

}  // namespace goodput::checkers::detail
