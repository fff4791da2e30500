// SPDX-License-Identifier: MIT
// JUnit XML for CI systems. Runs are collected as they finish and the file is written once at
// the end; test cases are sorted into plan order (task, then sample) so the file does not
// depend on which request happened to finish first.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "goodput/reporters.hpp"
#include "goodput/json_text.hpp"
#include "goodput/stats_json.hpp"
#include "goodput/utf8.hpp"

namespace goodput {

namespace {

// Model output can hold anything: control characters, invalid UTF-8, "]]>". XML 1.0 cannot
// carry most control characters even as references, so they are dropped; invalid bytes
// become U+FFFD so the file stays valid UTF-8. In attributes, tab and line breaks are
// written as references because a parser would otherwise normalise them to spaces.
std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0, size = 0; pos < text.size(); pos += size) {
    const char32_t cp = utf8::decode(text, pos, size);
    switch (cp) {
      case U'&': out += "&amp;"; continue;
      case U'<': out += "&lt;"; continue;
      case U'>': out += "&gt;"; continue;
      case U'"': out += "&quot;"; continue;
      case U'\'': out += "&apos;"; continue;
      case U'\r': out += "&#13;"; continue;  // a raw CR would be folded into the line break
      case U'\t': out += attribute ? "&#9;" : "\t"; continue;
      case U'\n': out += attribute ? "&#10;" : "\n"; continue;
      default: break;
    }
    if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF) continue;  // not allowed in XML 1.0
    if (cp == 0xFFFD) {
      utf8::append(out, cp);  // also what an invalid byte decodes to
      continue;
    }
    out.append(text.substr(pos, size));
  }
  return out;
}

std::string attr(std::string_view text) { return xml_escape(text, true); }

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", std::isfinite(s) && s > 0 ? s : 0.0);
  return buf;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// A JSON scalar as a property value; nullopt for null (the property is left out).
std::optional<std::string> property_value(const nlohmann::json& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number()) return number(v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  return detail::json_text(v);
}

using Properties = std::vector<std::pair<std::string, std::string>>;

void write_properties(std::ostream& out, const Properties& properties, const char* indent) {
  if (properties.empty()) return;
  out << indent << "<properties>\n";
  for (const auto& [name, value] : properties)
    out << indent << "  <property name=\"" << attr(name) << "\" value=\"" << attr(value) << "\"/>\n";
  out << indent << "</properties>\n";
}

struct TestCase {
  std::string file;  // the report this case goes to: --junit's pattern, expanded
  std::string task_id;
  std::size_t task_order = 0;
  int sample = 0;
  std::string classname;
  std::string name;
  double time_s = 0;
  Verdict verdict = Verdict::error;
  std::string message;  // <failure>/<error> message attribute
  std::string type;     // <failure>/<error> type attribute
  std::string details;  // element text
  std::string answer;   // <system-out> for runs that did not pass
  Properties properties;
};

constexpr std::size_t k_max_answer_bytes = 16 * 1024;  // enough to see what went wrong

std::string clip(const std::string& text) {
  if (text.size() <= k_max_answer_bytes) return text;
  std::size_t cut = k_max_answer_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole code points
  return text.substr(0, cut) + "\n[... " + std::to_string(text.size() - cut) + " more bytes]";
}

// A name as one path component: model names hold ':' and '/' ("qwen3:8b", "org/model").
std::string junit_path_component(std::string_view name) {
  std::string out;
  for (const char ch : name) {
    const bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                       ch == '-' || ch == '_';
    out += plain ? ch : '_';
  }
  return out == "." || out == ".." ? "_" : out;
}

// --junit's pattern: %m the model, %t the task (Suite.Task), %s the suite, %% a '%'.
std::string expand_junit_pattern(const std::string& pattern, const RunRecord& run) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
    if (pattern[i] != '%' || (next != 'm' && next != 't' && next != 's' && next != '%')) {
      out += pattern[i];
      continue;
    }
    ++i;
    if (next == 'm') out += junit_path_component(run.model->name);
    if (next == 't') out += junit_path_component(run.task->id());
    if (next == 's') out += junit_path_component(run.task->suite);
    if (next == '%') out += '%';
  }
  return out;
}

class JunitReporter final : public Reporter {
 public:
  explicit JunitReporter(std::string path) : m_path(std::move(path)) {}

  void on_plan(const Plan& plan) override {
    m_repeat = plan.repeat;
    for (const auto& m : *plan.models) m_models.push_back(m);
    for (std::size_t i = 0; i < plan.tasks->size(); ++i) {
      const TaskSpec& task = (*plan.tasks)[i];
      m_task_order[task.id()] = i;
      if (task.min_pass_rate) m_judged_together[task.id()] = {task.repeat * plan.repeat, *task.min_pass_rate};
    }
  }

  void on_run_end(const RunRecord& run) override {
    m_stats.add(run);
    const Completion& c = run.completion;
    TestCase tc;
    const auto order = m_task_order.find(run.task->id());
    tc.task_order = order == m_task_order.end() ? m_task_order.size() : order->second;
    tc.sample = run.sample;
    tc.task_id = run.task->id();
    tc.file = expand_junit_pattern(m_path, run);
    // Jenkins and GitLab group by classname alone: with the model in it, two models' cases never merge.
    tc.classname = run.model->name + "." + run.task->suite;
    tc.name = run.task->name;
    if (m_repeat > 1 || run.task->repeat > 1) tc.name += "#" + std::to_string(run.sample + 1);
    tc.time_s = c.metrics.e2e_s.value_or(c.times.end);
    tc.verdict = run.verdict;
    if (!c.ok()) {
      tc.type = std::string(to_string(c.error.kind));
      tc.message = tc.type + ": " + c.error.message;
      tc.details = tc.message;
    } else if (run.verdict != Verdict::pass) {
      describe_checks(run, tc);
    }
    if (run.verdict != Verdict::pass) tc.answer = clip(c.answer);

    const auto add = [&](const char* name, std::optional<double> v) {
      if (v && std::isfinite(*v)) tc.properties.emplace_back(name, number(*v));
    };
    // Text that did not come token by token has no TTFT or decode rate of its own (README
    // "Metrics"): its time to first text and effective rate, under their own names.
    const bool per_token = c.metrics.delivery != Delivery::block_stream && c.metrics.delivery != Delivery::single_body;
    add(per_token ? "ttft_s" : "first_text_s", c.metrics.ttft_s);
    add("time_to_first_answer_s", c.metrics.time_to_first_answer_s);
    add("decode_tps", c.metrics.decode_tps);
    add("effective_tps", c.metrics.effective_tps);
    if (c.metrics.delivery != Delivery::unknown) tc.properties.emplace_back("delivery", std::string(to_string(c.metrics.delivery)));
    add("e2e_s", c.metrics.e2e_s);
    if (c.tokens.completion) {
      tc.properties.emplace_back("completion_tokens", std::to_string(*c.tokens.completion));
      if (c.tokens.completion_estimated) tc.properties.emplace_back("completion_tokens_estimated", "true");
    }
    tc.properties.emplace_back("stop_reason", std::string(to_string(c.stop_reason)));
    tc.properties.emplace_back("simulated", run.model->simulated ? "true" : "false");
    m_cases[run.model->name].push_back(std::move(tc));
  }

  void on_finish(bool interrupted) override {
    std::set<std::string> files;
    for (const auto& [model, cases] : m_cases)
      for (const auto& tc : cases) files.insert(tc.file);
    if (files.empty()) files.insert(expand_junit_pattern_without_runs());
    for (const auto& file : files) write(file, document(file, interrupted));
  }

 private:
  // No run finished (interrupted at once): a pattern with no run to fill it in still names one file.
  std::string expand_junit_pattern_without_runs() const {
    std::string out = m_path;
    for (const char* code : {"%m", "%t", "%s"})
      for (std::size_t at = out.find(code); at != std::string::npos; at = out.find(code)) out.replace(at, 2, "all");
    return out;
  }

  std::string document(const std::string& file, bool interrupted) {
    std::ostringstream body;
    int tests = 0, failures = 0, errors = 0;
    double time = 0;
    for (const auto& model : m_models) {
      std::vector<const TestCase*> cases;
      for (const auto& tc : m_cases[model.name])
        if (tc.file == file) cases.push_back(&tc);
      if (cases.empty() && file != m_path) continue;  // a pattern's file holds only the models it names
      std::sort(cases.begin(), cases.end(), [](const TestCase* a, const TestCase* b) {
        return std::tie(a->task_order, a->sample) < std::tie(b->task_order, b->sample);
      });
      std::vector<TestCase> merged = judged_together(model.name, cases);
      cases.clear();
      for (const auto& tc : merged) cases.push_back(&tc);
      int suite_failures = 0, suite_errors = 0;
      double suite_time = 0;
      for (const auto* tc : cases) {
        suite_failures += tc->verdict == Verdict::fail || tc->verdict == Verdict::truncated;
        suite_errors += tc->verdict == Verdict::error;
        suite_time += tc->time_s;
      }
      tests += static_cast<int>(cases.size());
      failures += suite_failures;
      errors += suite_errors;
      time += suite_time;
      body << "  <testsuite name=\"" << attr(model.name) << "\" tests=\"" << cases.size() << "\" failures=\"" << suite_failures
           << "\" errors=\"" << suite_errors << "\" skipped=\"0\" time=\"" << seconds(suite_time) << "\">\n";
      write_properties(body, suite_properties(model, interrupted), "    ");
      for (const auto* tc : cases) write_case(body, *tc);
      body << "  </testsuite>\n";
    }
    std::ostringstream doc;
    doc << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites name=\"goodput\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\"" << errors
        << "\" skipped=\"0\" time=\"" << seconds(time) << "\">\n"
        << body.str() << "</testsuites>\n";
    return doc.str();
  }

  // The samples of a task with min_pass_rate as one test case of the task x model (README
  // "Pass rate per task"): a <failure> only when too few passed, an <error> when too few were
  // judged to tell; each sample's verdict in the properties and in <system-out>. Cases of
  // other tasks stay one per sample. `cases` are in plan order, so a task's samples are adjacent.
  std::vector<TestCase> judged_together(const std::string& model, const std::vector<const TestCase*>& cases) const {
    std::vector<TestCase> out;
    for (std::size_t i = 0; i < cases.size();) {
      const auto rule = m_judged_together.find(cases[i]->task_id);
      if (rule == m_judged_together.end()) {
        out.push_back(*cases[i++]);
        continue;
      }
      std::size_t end = i;
      while (end < cases.size() && cases[end]->task_id == cases[i]->task_id) ++end;
      out.push_back(task_case(model, rule->second, {cases.begin() + static_cast<std::ptrdiff_t>(i), cases.begin() + static_cast<std::ptrdiff_t>(end)}));
      i = end;
    }
    return out;
  }

  struct SampleRule {
    int samples = 1;
    double min_pass_rate = 0;
  };

  TestCase task_case(const std::string& model, const SampleRule& rule, const std::vector<const TestCase*>& samples) const {
    const TestCase& first = *samples.front();
    TestCase tc;
    tc.file = first.file;
    tc.task_id = first.task_id;
    tc.task_order = first.task_order;
    tc.classname = first.classname;
    tc.name = first.name.substr(0, first.name.find('#'));
    const TaskModelVerdict verdict = task_model_verdict(m_stats.models().at(model).per_task.at(first.task_id), rule.samples, rule.min_pass_rate);
    tc.verdict = verdict.verdict;
    tc.properties = {{"verdict", std::string(to_string(verdict.verdict))},
                     {"min_pass_rate", number(rule.min_pass_rate)},
                     {"samples", std::to_string(verdict.samples)},
                     {"passed", std::to_string(verdict.passed)},
                     {"judged", std::to_string(verdict.judged)},
                     {"errors", std::to_string(verdict.errors)}};
    std::string log = "passed " + to_string(verdict) + " (min_pass_rate " + number(rule.min_pass_rate) + ")\n";
    for (const TestCase* sample : samples) {
      tc.time_s += sample->time_s;
      const std::string word(to_string(sample->verdict));
      tc.properties.emplace_back("sample_" + std::to_string(sample->sample + 1), word);
      log += "#" + std::to_string(sample->sample + 1) + " " + word + (sample->message.empty() ? "" : ": " + sample->message) + "\n";
      if (sample->verdict != Verdict::pass) tc.details += "#" + std::to_string(sample->sample + 1) + " " + word + ": " + sample->details + "\n";
    }
    tc.answer = log;
    tc.type = "min_pass_rate";
    tc.message = verdict.verdict == Verdict::fail ? "too few samples passed: " + to_string(verdict)
                                                   : "too few samples judged to decide: " + to_string(verdict);
    return tc;
  }

  // Every assertion that did not pass, with its failing parts: the text a CI page shows.
  static void describe_checks(const RunRecord& run, TestCase& tc) {
    const auto wanted = run.verdict == Verdict::error ? checkers::Outcome::error : checkers::Outcome::fail;
    // A truncated run (the token limit cut the reasoning before any answer) is a <failure>
    // of type "truncated": the model did not deliver within its budget; raise max_tokens.
    const bool truncated = run.verdict == Verdict::truncated;
    tc.type = run.verdict == Verdict::error ? "checker_error" : truncated ? "truncated" : "assertion";
    for (std::size_t i = 0; i < run.checks.size(); ++i) {
      const auto& check = run.checks[i];
      if (check.outcome == checkers::Outcome::pass) continue;
      // Checkers usually start their message with their type already ("number: expected...").
      const std::string& type = run.check_type(i);
      const std::string line = type.empty() || check.message.rfind(type + ":", 0) == 0 ? check.message : type + ": " + check.message;
      if (tc.message.empty() && (check.outcome == wanted || truncated)) tc.message = line;
      tc.details += (check.outcome == checkers::Outcome::error ? "could not judge: " : "") + line + "\n";
      for (const auto& part : check.parts)
        if (part.outcome != checkers::Outcome::pass) tc.details += "    " + part.name + ": " + part.message + "\n";
    }
    if (tc.message.empty()) tc.message = std::string(to_string(run.verdict));
    if (truncated) tc.message = "[ TRUNCATED ] " + tc.message;
  }

  Properties suite_properties(const ModelSpec& model, bool interrupted) const {
    Properties p{{"model", model.model}, {"base_url", model.base_url}, {"dialect", model.dialect},
                 {"simulated", model.simulated ? "true" : "false"}};
    if (interrupted) p.emplace_back("interrupted", "true");
    const auto it = m_stats.models().find(model.name);
    if (it == m_stats.models().end()) return p;
    // The same figures, under the same names, as results.json's summary.
    const nlohmann::json totals = to_json(it->second);  // outlives the loop: items() only refers to it
    for (const auto& [key, value] : totals.items())
      if (auto v = property_value(value)) p.emplace_back(key, *v);
    return p;
  }

  static void write_case(std::ostream& out, const TestCase& tc) {
    out << "    <testcase classname=\"" << attr(tc.classname) << "\" name=\"" << attr(tc.name) << "\" time=\""
        << seconds(tc.time_s) << "\">\n";
    write_properties(out, tc.properties, "      ");
    if (tc.verdict != Verdict::pass) {
      const char* element = tc.verdict == Verdict::fail || tc.verdict == Verdict::truncated ? "failure" : "error";
      out << "      <" << element << " message=\"" << attr(tc.message) << "\" type=\"" << attr(tc.type) << "\">"
          << xml_escape(tc.details, false) << "</" << element << ">\n";
    }
    if (!tc.answer.empty()) out << "      <system-out>" << xml_escape(tc.answer, false) << "</system-out>\n";
    out << "    </testcase>\n";
  }

  static void write(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    std::error_code ec;
    if (const auto parent = std::filesystem::path(path).parent_path(); !parent.empty())
      std::filesystem::create_directories(parent, ec);
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << text;
      out.close();
      if (!out) {
        std::fprintf(stderr, "goodput: writing the JUnit report %s failed\n", tmp.c_str());
        return;
      }
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) std::fprintf(stderr, "goodput: writing the JUnit report %s failed: %s\n", path.c_str(), ec.message().c_str());
  }

  std::string m_path;
  int m_repeat = 1;
  std::vector<ModelSpec> m_models;
  std::map<std::string, std::size_t> m_task_order;
  std::map<std::string, SampleRule> m_judged_together;  // tasks with min_pass_rate, by id
  std::map<std::string, std::vector<TestCase>> m_cases;  // by model name
  StatsCollector m_stats;
};

}  // namespace

std::unique_ptr<Reporter> make_junit_reporter(std::string path) { return std::make_unique<JunitReporter>(std::move(path)); }

}  // namespace goodput
