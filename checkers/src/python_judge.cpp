// SPDX-License-Identifier: MIT
// `python`: the task's own judge, a `def check(answer, vars)` inline (`code`) or in a file
// beside the task file (`file`), run in the sandbox by goodput's driver (judge_main in
// checkers/python/goodput_driver.py) with the same isolation and limits as generated code.
//
//   - type: python
//     code: |
//       def check(answer, vars):
//           return "60%" in answer, "the threshold is 60%"
//     threshold: 0.5       # only for a judge that returns a number (a score)
//
// check() returns a bool, (bool, reason), or a number compared with `threshold` (pass when
// score >= threshold). The answer is data: it reaches check() as a str and never runs, so the
// verdict on the driver's channel is the judge's alone. Anything that keeps the judge from
// giving one (an exception, a wrong return type, a time or memory limit, no sandbox) is an
// error, never a model failure: the message ends with the judge's traceback.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "driver_channel.hpp"
#include "file_text.hpp"
#include "goodput/checkers/code_extract.hpp"
#include "goodput/json_text.hpp"
#include "python_sandbox.hpp"

namespace goodput::checkers::detail {

namespace {

using nlohmann::json;

constexpr double k_judge_default_timeout_s = 10;
constexpr std::int64_t k_judge_memory_mb = 512;
// Python's start-up and the driver's, on top of the judge's own time.
constexpr double k_judge_start_s = 5;

struct JudgeSource {
  std::string code;
  std::string name;  // "judge.py" (the task's file name) or "the inline code"
};

class PythonJudgeChecker final : public Checker {
 public:
  PythonJudgeChecker(JudgeSource source, std::optional<double> threshold, double timeout_s, std::int64_t memory_mb,
                     std::string backend, std::string vars_json)
      : m_source(std::move(source)),
        m_threshold(threshold),
        m_timeout_s(timeout_s),
        m_memory_mb(memory_mb),
        m_backend(std::move(backend)),
        m_vars_json(std::move(vars_json)) {}

  CheckResult check(const Completion& completion) const override {
    std::string setup_error;
    const auto box = python_sandbox(m_backend, setup_error);
    if (!box) return {Outcome::error, "python: " + setup_error};
    const sandbox::Request request = make_request(completion.answer);
    const sandbox::Result run = box->run(request);
    CheckResult result;
    add_sandbox_facts(result, *box, run, request.limits);
    result.facts["judge"] = m_source.name;
    judge(run, request.limits, result);
    return result;
  }

  std::string describe() const override {
    return "python: check(answer, vars) from " + m_source.name +
           (m_threshold ? ", score >= " + format_number(*m_threshold) : std::string()) + ", in the sandbox";
  }

 private:
  sandbox::Request make_request(const std::string& answer) const {
    json job;
    job["mode"] = "judge";
    job["vars"] = json::parse(m_vars_json);
    job["timeout_s"] = m_timeout_s;
    job["judge_name"] = m_source.name;
    return driver_request({{"judge.py", m_source.code}, {"answer.txt", answer}}, goodput::detail::json_text(job),
                          m_timeout_s + k_judge_start_s, m_memory_mb);
  }

  void judge(const sandbox::Result& run, const sandbox::Limits& limits, CheckResult& result) const {
    result.outcome = Outcome::error;
    if (run.reason == sandbox::EndReason::failed_to_start) {
      result.message = "python: the sandbox could not run " + std::string(k_python) + ": " + run.error;
      return;
    }
    const ChannelRead channel = read_channel(run.channel_text, run.channel_truncated);
    const std::string how_ended = run.reason == sandbox::EndReason::exited
                                      ? "exited with code " + std::to_string(run.exit_code)
                                      : describe_limit_end(run, limits);
    const std::string tail = stderr_tail(run.stderr_text, 6);
    const std::size_t hello = find_event(channel.events, "hello");
    const std::size_t verdict = find_event(channel.events, "verdict");
    if (hello == channel.events.size()) {
      result.message = "python: the goodput driver did not start (the Python process " + how_ended + ")" +
                       (tail.empty() ? "" : ": " + tail);
      return;
    }
    if (const std::string version = channel.events[hello].value("python", ""); !version.empty()) {
      result.facts["python"] = version + " (" + std::string(k_python) + ")";
    }
    if (verdict == channel.events.size()) {
      result.message = "python: the judge (" + m_source.name + ") gave no verdict: the Python process " + how_ended +
                       (channel.problem.empty() ? "" : "; its report: " + channel.problem) +
                       (tail.empty() ? "" : "\n" + tail);
      return;
    }
    const json& report = channel.events[verdict];
    if (const std::string printed = report.value("printed", ""); !printed.empty()) result.facts["judge printed"] = printed;
    const std::string reason = report.value("reason", "");
    if (!report.value("ok", false)) {
      result.message = "python: the judge (" + m_source.name + ") " + report.value("error", std::string("failed"));
      if (const std::string traceback = report.value("traceback", ""); !traceback.empty()) {
        result.message += "\n" + traceback;
      }
      return;
    }
    const std::string because = reason.empty() ? "" : ": " + reason;
    if (const auto passed = report.find("passed"); passed != report.end() && passed->is_boolean()) {
      result.outcome = passed->get<bool>() ? Outcome::pass : Outcome::fail;
      result.message = std::string("python: check() ") + (passed->get<bool>() ? "passed the answer" : "failed the answer") + because;
      return;
    }
    const auto score = report.find("score");
    if (score == report.end() || !score->is_number() || !std::isfinite(score->get<double>())) {
      result.message = "python: the judge's report has neither a verdict nor a score";
      return;
    }
    const double value = score->get<double>();
    result.facts["score"] = format_number(value);
    if (!m_threshold) {
      result.message = "python: check() returned the score " + format_number(value) +
                       ", but the assertion sets no threshold: add threshold: (pass when score >= it) or return a bool";
      return;
    }
    const bool passed = value >= *m_threshold;
    result.outcome = passed ? Outcome::pass : Outcome::fail;
    result.message = "python: score " + format_number(value) + (passed ? " >= " : " < ") + "threshold " +
                     format_number(*m_threshold) + because;
  }

  JudgeSource m_source;
  std::optional<double> m_threshold;
  double m_timeout_s;
  std::int64_t m_memory_mb;
  std::string m_backend;
  std::string m_vars_json;
};

}  // namespace

CheckerType python_judge_type() {
  return {"python",
          "the task's own check(answer, vars) in Python returns True, (True, reason) or a score >= threshold; "
          "run in the sandbox, the answer passed as data",
          {{"code", ParamType::string, false, "Python source defining check(answer, vars)"},
           {"file", ParamType::path, false, "a .py file defining check(answer, vars), relative to the task file"},
           {"threshold", ParamType::number, false, "for a judge returning a number: pass when score >= threshold"},
           {"timeout", ParamType::number, false, "seconds for check() (default 10)"},
           {"memory_mb", ParamType::integer, false, "memory for the judge's process, MB (default 512)"},
           k_sandbox_param},
          [](const Params& params) -> std::unique_ptr<Checker> {
            const auto code = params.optional_string("code");
            const auto file = params.optional_string("file");
            if (code.has_value() == file.has_value()) {
              throw ParamError(code ? "file" : "code", "python: give the judge as 'code' (inline) or 'file', exactly one");
            }
            JudgeSource source;
            if (code) {
              source = {*code, "the inline code"};
            } else {
              const auto text = file_text(*file);
              if (!text) throw ParamError("file", "python: cannot read " + *file);
              source = {*text, std::filesystem::path(*file).filename().string()};
            }
            const PythonScan scanned = scan_python(source.code);
            if (std::find(scanned.functions.begin(), scanned.functions.end(), "check") == scanned.functions.end()) {
              throw ParamError(code ? "code" : "file", "python: " + source.name +
                                                           " defines no top-level function check(answer, vars)");
            }
            const auto threshold = params.optional_number("threshold");
            if (threshold && !std::isfinite(*threshold)) {
              throw ParamError("threshold", "python: 'threshold' must be a finite number");
            }
            const double timeout = params.optional_number("timeout").value_or(k_judge_default_timeout_s);
            if (!(timeout > 0) || timeout > 600) {
              throw ParamError("timeout", "python: 'timeout' must be between 0 and 600 seconds, got " + format_number(timeout));
            }
            const std::int64_t memory = params.optional_integer("memory_mb").value_or(k_judge_memory_mb);
            if (memory < 64 || memory > 65536) {
              throw ParamError("memory_mb", "python: 'memory_mb' must be between 64 and 65536, got " + std::to_string(memory));
            }
            // The task's variables (README "vars"), set by the loader; none yet: an empty dict.
            std::string vars = params.optional_string("vars").value_or("{}");
            return std::make_unique<PythonJudgeChecker>(std::move(source), threshold, timeout, memory,
                                                        sandbox_backend_param(params), std::move(vars));
          }};
}

}  // namespace goodput::checkers::detail
