// SPDX-License-Identifier: MIT
// `python-compiles`: the Python code extracted from the answer compiles with python3 (syntax
// only: none of it runs), checked inside the sandbox.
//
//   - type: python-compiles
//     timeout: 10          # seconds, default 10
//     entry: json_to_csv   # optional: compile the block that defines it (as python-passes does)
#include <algorithm>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "driver_channel.hpp"
#include "goodput/checkers/code_extract.hpp"
#include "python_sandbox.hpp"

namespace goodput::checkers::detail {

namespace {

constexpr double k_compiles_default_timeout_s = 10;
constexpr std::uint64_t k_memory_bytes = 512ull << 20;

// Runs in the sandbox; only compiles, so nothing the candidate wrote runs and everything on
// the result channel is ours: "hello" once Python is up, then the verdict. A run with a hello
// and no verdict was ended by the code's text (a parser crash or limit): a failure.
constexpr std::string_view k_compile_script = R"py(
import json, os, platform
fd = int(os.environ["GOODPUT_RESULT_FD"])
def emit(**r):
    data = (json.dumps(r, ensure_ascii=True) + "\n").encode("ascii")
    while data:
        data = data[os.write(fd, data):]
emit(event="hello", python=platform.python_version())
r = {}
try:
    with open("candidate.py", encoding="utf-8") as f:
        src = f.read()
    compile(src, "candidate.py", "exec", dont_inherit=True)
    r["ok"] = True
except SyntaxError as e:
    r.update(ok=False, kind=type(e).__name__, msg=str(e.msg), line=e.lineno, col=e.offset,
             text=(e.text or "").rstrip())
except (ValueError, MemoryError, RecursionError) as e:
    r.update(ok=False, kind=type(e).__name__, msg=str(e))
emit(event="result", **r)
)py";

std::string lines_of(const std::string& code) {
  const auto n = static_cast<std::size_t>(std::count(code.begin(), code.end(), '\n')) +
                 (!code.empty() && code.back() != '\n' ? 1 : 0);
  return with_commas(n) + (n == 1 ? " line" : " lines");
}

class PythonCompilesChecker final : public Checker {
 public:
  PythonCompilesChecker(double timeout_s, std::string entry, std::string backend)
      : m_timeout_s(timeout_s), m_entry(std::move(entry)), m_backend(std::move(backend)) {}

  CheckResult check(const Completion& completion) const override {
    ExtractOptions options;
    options.entry = m_entry;
    const ExtractedCode code = extract_python(completion.answer, options);
    if (!code.found) return {Outcome::fail, "python-compiles: " + code.message};

    std::string setup_error;
    const auto box = python_sandbox(m_backend, setup_error);
    if (!box) return {Outcome::error, "python-compiles: " + setup_error};

    sandbox::Request request;
    request.argv = {std::string(k_python), "-I", "-X", "utf8", "-c", std::string(k_compile_script)};
    request.files = {{"candidate.py", code.code}};
    request.result_channel = true;
    request.limits.wall_s = m_timeout_s;
    request.limits.cpu_s = m_timeout_s;
    request.limits.address_space_bytes = k_memory_bytes;
    request.limits.memory_bytes = k_memory_bytes;
    const sandbox::Result run = box->run(request);

    CheckResult result;
    add_sandbox_facts(result, *box, run, request.limits);
    result.facts["code"] = code.source;
    const std::string where = " (" + lines_of(code.code) + "; " + code.source + ")";

    if (run.reason == sandbox::EndReason::failed_to_start) {
      result.outcome = Outcome::error;
      result.message = "python-compiles: the sandbox could not run " + std::string(k_python) +
                       ": " + run.error;
      return result;
    }
    const ChannelRead channel = read_channel(run.channel_text, run.channel_truncated);
    const std::size_t hello = find_event(channel.events, "hello");
    const std::size_t verdict = find_event(channel.events, "result");
    if (hello == channel.events.size()) {
      result.outcome = Outcome::error;
      result.message = "python-compiles: " + std::string(k_python) + " did not start (" +
                       (run.reason == sandbox::EndReason::exited
                            ? "exit code " + std::to_string(run.exit_code)
                            : describe_limit_end(run, request.limits)) +
                       "): " + quote(stderr_tail(run.stderr_text), 200);
      return result;
    }
    if (verdict == channel.events.size()) {
      result.outcome = Outcome::fail;
      result.message = "python-compiles: compiling the code, the Python process " +
                       (run.reason == sandbox::EndReason::exited
                            ? "exited with code " + std::to_string(run.exit_code)
                            : describe_limit_end(run, request.limits)) +
                       " without a verdict" + where;
      return result;
    }
    const nlohmann::json& report = channel.events[verdict];
    const std::string version = channel.events[hello].value("python", "");
    if (!version.empty()) result.facts["python"] = version + " (" + std::string(k_python) + ")";
    if (report.value("ok", false)) {
      result.outcome = Outcome::pass;
      result.message = "python-compiles: the code compiles with Python " + version + where;
      return result;
    }
    std::string message = "python-compiles: " + report.value("kind", std::string("error"));
    if (report.contains("line") && report["line"].is_number_integer()) {
      message += " at line " + std::to_string(report["line"].get<long long>());
      if (report.contains("col") && report["col"].is_number_integer()) {
        message += ", column " + std::to_string(report["col"].get<long long>());
      }
    }
    message += ": " + report.value("msg", std::string("?"));
    const std::string text = report.value("text", std::string());
    if (!text.empty()) message += ": " + quote(text, 80);
    message += where;
    result.outcome = Outcome::fail;
    result.message = std::move(message);
    return result;
  }

  std::string describe() const override {
    return "python-compiles: the Python code in the answer" +
           (m_entry.empty() ? std::string() : " (the block defining " + m_entry + ")") +
           " compiles with " + std::string(k_python) + ", in the sandbox";
  }

 private:
  double m_timeout_s;
  std::string m_entry;
  std::string m_backend;
};

}  // namespace

CheckerType python_compiles_type() {
  return {"python-compiles",
          "the Python code extracted from the answer compiles with python3 (nothing runs)",
          {{"timeout", ParamType::number, false, "seconds for the compile, in the sandbox (default 10)"},
           {"entry", ParamType::string, false,
            "a function name: compile the code block that defines it (default: the main block)"},
           k_sandbox_param},
          [](const Params& params) -> std::unique_ptr<Checker> {
            const double timeout = params.optional_number("timeout").value_or(k_compiles_default_timeout_s);
            if (!(timeout > 0) || timeout > 600) {
              throw ParamError("timeout", "python-compiles: 'timeout' must be between 0 and 600 "
                                          "seconds, got " + format_number(timeout));
            }
            return std::make_unique<PythonCompilesChecker>(
                timeout, params.optional_string("entry").value_or(""), sandbox_backend_param(params));
          }};
}

}  // namespace goodput::checkers::detail
