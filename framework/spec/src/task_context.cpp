// SPDX-License-Identifier: MIT
// C++ task cases at run time: the conversation behind ask(), the expectations' checks (built
// by name through the checker registry, exactly as the YAML loader builds them) and the
// verdict of a run. The runner turns one into a RunRecord (run_task_case, goodput::run).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "task_params.hpp"
#include "goodput/provider.hpp"
#include "goodput/spec.hpp"
#include "goodput/task.hpp"

namespace goodput {

namespace fs = std::filesystem;

nlohmann::json detail::params_to_json(const ParamMap& params) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : params) std::visit([&, &key = name](const auto& v) { out[key] = v; }, value);
  return out;
}

namespace {

thread_local TaskContext* t_current = nullptr;

// The current context for the time of a body; restores the previous one (a body that runs
// another context's body, as tests do, gets its own back afterwards).
class CurrentScope {
 public:
  explicit CurrentScope(TaskContext* context) : m_previous(t_current) { t_current = context; }
  ~CurrentScope() { t_current = m_previous; }
  CurrentScope(const CurrentScope&) = delete;
  CurrentScope& operator=(const CurrentScope&) = delete;

 private:
  TaskContext* m_previous;
};

SourceLocation location_of(const std::source_location& where) {
  return {where.file_name(), static_cast<int>(where.line()), 0};
}

// "60%" as a C++ string literal, so the message shows what the source would have written.
std::string literal(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// Shortest form that reads back the same: 391, 0.5, 1e+20.
std::string number(double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(value);
}

bool is_number(const ParamValue& v) { return std::holds_alternative<double>(v) || std::holds_alternative<std::int64_t>(v); }

// Checks `values` against the type's declared parameters, as the YAML loader does, and turns
// them into the checker's Params; relative paths start at `base_dir` (the task's source
// folder, as YAML's start at the task file's). Returns an empty string or why not.
std::string to_checker_params(const checkers::CheckerType& type, const ParamMap& values, const fs::path& base_dir,
                              Params& out) {
  for (const auto& [name, value] : values) {
    const auto spec = std::find_if(type.params.begin(), type.params.end(), [&](const ParamSpec& p) { return p.name == name; });
    if (spec == type.params.end()) {
      std::string known;
      for (const auto& p : type.params) known += (known.empty() ? "" : ", ") + p.name;
      return "assertion '" + type.name + "' has no parameter '" + name + "' (known: " + known + ")";
    }
    const std::string wrong_type = "assertion '" + type.name + "': '" + name + "' must be " +
                                   std::string(to_string(spec->type)) + " (" + spec->help + ")";
    switch (spec->type) {
      case ParamType::number:
        if (!is_number(value)) return wrong_type;
        out.set(name, std::holds_alternative<double>(value) ? std::get<double>(value)
                                                            : static_cast<double>(std::get<std::int64_t>(value)));
        break;
      case ParamType::integer:
        if (!std::holds_alternative<std::int64_t>(value)) return wrong_type;
        out.set(name, value);
        break;
      case ParamType::boolean:
        if (!std::holds_alternative<bool>(value)) return wrong_type;
        out.set(name, value);
        break;
      case ParamType::string:
      case ParamType::json:
        if (!std::holds_alternative<std::string>(value)) return wrong_type;
        out.set(name, value);
        break;
      case ParamType::string_list:
        if (!std::holds_alternative<std::vector<std::string>>(value)) return wrong_type;
        out.set(name, value);
        break;
      case ParamType::path: {
        if (!std::holds_alternative<std::string>(value)) return wrong_type;
        const fs::path given = std::get<std::string>(value);
        const fs::path resolved = given.is_absolute() ? given : base_dir / given;
        std::error_code ec;
        if (!fs::exists(resolved, ec))
          return "assertion '" + type.name + "': '" + name + "': '" + given.string() + "' does not exist (looked for " +
                 resolved.string() + "; relative paths start at the task's source folder)";
        out.set(name, fs::absolute(resolved, ec).lexically_normal().string());
        break;
      }
    }
  }
  for (const auto& spec : type.params)
    if (spec.required && values.find(spec.name) == values.end())
      return "assertion '" + type.name + "' needs '" + spec.name + "' (" + spec.help + ")";
  return {};
}

std::string failure_message(const TaskCheck& check, const char* reply_text, const std::string& expected) {
  const bool error = check.result.outcome == checkers::Outcome::error;
  return check.where.str() + (error ? ": Error\n" : ": Failure\n") + "Expected: " + reply_text + " " + expected + "\n" +
         (error ? "  Could not judge: " : "  Actual: ") + check.result.message;
}

}  // namespace

namespace detail {

CheckSpec contains_spec(std::string_view text) { return {"contains", {{"value", std::string(text)}}, "contains " + literal(text)}; }
CheckSpec not_contains_spec(std::string_view text) {
  return {"not-contains", {{"value", std::string(text)}}, "does not contain " + literal(text)};
}
CheckSpec icontains_spec(std::string_view text) {
  return {"icontains", {{"value", std::string(text)}}, "contains " + literal(text) + " ignoring case and width"};
}
CheckSpec matches_spec(std::string_view pattern) {
  return {"regex", {{"pattern", std::string(pattern)}}, "matches regex " + literal(pattern)};
}
CheckSpec number_near_spec(double expected, double tolerance, std::string_view near) {
  CheckSpec spec{"number", {{"expected", expected}, {"tolerance", tolerance}}, "states the number " + number(expected)};
  if (tolerance != 0) spec.expected += " ± " + number(tolerance);
  if (!near.empty()) {
    spec.params["near"] = std::string(near);
    spec.expected += " near " + literal(near);
  }
  return spec;
}
CheckSpec list_count_spec(std::int64_t count) {
  return {"list-count", {{"count", count}}, "is a numbered list of " + std::to_string(count) + " items"};
}
CheckSpec python_compiles_spec() { return {"python-compiles", {}, "holds Python code that compiles"}; }
CheckSpec python_passes_spec(std::string_view fixtures_dir) {
  return {"python-passes", {{"fixtures", std::string(fixtures_dir)}},
          "holds Python code that passes the fixtures in " + literal(fixtures_dir)};
}
CheckSpec stop_reason_spec(std::string_view reason) {
  return {"stop-reason", {{"expected", std::string(reason)}}, "stopped for the reason " + literal(reason)};
}
CheckSpec latency_below_spec(double seconds) {
  return {"max-latency", {{"e2e", seconds}}, "took at most " + number(seconds) + " s end to end"};
}
CheckSpec check_spec(std::string_view type, ParamMap params) {
  return {std::string(type), std::move(params), "passes the " + std::string(type) + " assertion"};
}

TaskCheck evaluate(const Completion& completion, const char* reply_text, const CheckSpec& spec, bool fatal,
                   const char* file, int line) {
  TaskCheck check;
  check.type = spec.type;
  check.where = {file, line, 0};
  check.fatal = fatal;
  const checkers::CheckerType* type = checkers::find_checker_type(spec.type);
  if (type == nullptr) {
    std::string known;
    for (const auto& t : checkers::checker_types()) known += (known.empty() ? "" : ", ") + t.name;
    check.result = {checkers::Outcome::error, "unknown assertion type '" + spec.type + "' (known: " + known + ")"};
  } else {
    Params params;
    std::string problem = to_checker_params(*type, spec.params, fs::path(file).parent_path(), params);
    std::unique_ptr<checkers::Checker> checker;
    if (problem.empty()) {
      try {
        checker = type->make(params);
      } catch (const std::exception& e) {
        problem = "the assertion cannot be built: " + std::string(e.what());
      }
    }
    if (!checker) {
      check.result = {checkers::Outcome::error, problem};
    } else {
      try {
        check.result = checker->check(completion);
      } catch (const std::exception& e) {
        check.result = {checkers::Outcome::error, spec.type + ": the checker itself failed: " + e.what()};
      }
    }
  }
  if (check.result.outcome != checkers::Outcome::pass) check.result.message = failure_message(check, reply_text, spec.expected);
  return check;
}

void Recorder::operator=(const Note& note) {
  if (m_check.result.outcome != checkers::Outcome::pass) {
    const std::string extra = note.str();
    if (!extra.empty()) m_check.result.message += "\n" + extra;
  }
  TaskContext::current().record(std::move(m_check));
}

}  // namespace detail

struct TaskContext::Impl {
  Provider& provider;
  const ModelSpec* model;
  const TaskSpec* task;
  const std::atomic<bool>* cancel;
  std::string system;  // the conversation's system message
  std::vector<ChatMessage> history;
  int conversation = 0;
  std::vector<Turn> turns;
  std::vector<TaskCheck> checks;
  bool ask_failed = false;

  std::string default_system() const { return task ? task->system : std::string(); }
};

TaskContext::TaskContext(Provider& provider, const ModelSpec* model, const TaskSpec* task, const std::atomic<bool>* cancel)
    : m_impl(std::make_unique<Impl>(Impl{provider, model, task, cancel, {}, {}, 0, {}, {}, false})) {
  m_impl->system = m_impl->default_system();
}

TaskContext::~TaskContext() = default;

Reply TaskContext::ask(std::string prompt, AskOptions options, std::source_location where) {
  Impl& s = *m_impl;
  if (!options.system.empty()) s.system = std::move(options.system);

  CompletionRequest request;
  if (!s.system.empty()) request.messages.push_back({"system", s.system});
  request.messages.insert(request.messages.end(), s.history.begin(), s.history.end());
  request.messages.push_back({"user", prompt});

  // This ask's parameters stand where a YAML task's would, under the models file's.
  TaskSpec params_source;
  if (s.task) params_source.params = s.task->params;
  const nlohmann::json ask_params = detail::params_to_json(options.params);
  for (const auto& [key, value] : ask_params.items()) params_source.params[key] = value;
  if (!options.params_json.empty()) {
    nlohmann::json extra = nlohmann::json::parse(options.params_json, nullptr, false);
    if (!extra.is_object())
      throw std::invalid_argument("ask(): params_json must be a JSON object, got: " + options.params_json);
    for (const auto& [key, value] : extra.items()) params_source.params[key] = value;
  }
  request.params = s.model ? merged_params(params_source, *s.model) : params_source.params;

  Turn turn;
  turn.conversation = s.conversation;
  turn.messages = request.messages.size();
  turn.system = s.system;
  turn.prompt = prompt;
  turn.where = location_of(where);
  turn.completion = s.provider.complete(request, s.cancel);
  s.turns.push_back(turn);
  if (!turn.completion.ok()) {
    s.ask_failed = true;
    throw detail::AskFailed{};
  }
  s.history.push_back({"user", std::move(prompt)});
  s.history.push_back({"assistant", turn.completion.answer});
  return Reply(std::move(turn.completion), s.task ? s.task->python_packages : std::vector<std::string>{});
}

const DataRow& TaskContext::row() const {
  static const DataRow k_no_row;
  return m_impl->task && m_impl->task->row ? *m_impl->task->row : k_no_row;
}

void TaskContext::new_conversation() {
  m_impl->history.clear();
  m_impl->system = m_impl->default_system();
  ++m_impl->conversation;
}

void TaskContext::run(const std::function<void(TaskContext&)>& body) {
  CurrentScope scope(this);
  const SourceLocation where = m_impl->task ? m_impl->task->where : SourceLocation{};
  const auto unexpected = [&](const std::string& what) {
    TaskCheck check;
    check.type = "exception";
    check.where = where;
    check.fatal = true;
    check.result = {checkers::Outcome::error, where.str() + ": Error\nUnexpected exception from the task body: " + what};
    m_impl->checks.push_back(std::move(check));
  };
  try {
    if (!body) throw std::logic_error("the task has no body");
    body(*this);
  } catch (const detail::FatalFailure&) {
    // Recorded already; the body stops here, as a GoogleTest fatal failure returns.
  } catch (const detail::AskFailed&) {
    // The failed request is the last turn; its error is the run's.
  } catch (const std::exception& e) {
    unexpected(e.what());
  } catch (...) {
    unexpected("an exception that is not a std::exception");
  }
}

const std::vector<Turn>& TaskContext::turns() const { return m_impl->turns; }
const std::vector<TaskCheck>& TaskContext::checks() const { return m_impl->checks; }

checkers::Outcome TaskContext::outcome() const {
  if (m_impl->ask_failed) return checkers::Outcome::error;
  bool failed = false;
  for (const auto& check : m_impl->checks) {
    if (check.result.outcome == checkers::Outcome::error) return checkers::Outcome::error;
    failed = failed || check.result.outcome == checkers::Outcome::fail;
  }
  return failed ? checkers::Outcome::fail : checkers::Outcome::pass;
}

TaskContext& TaskContext::current() {
  if (t_current == nullptr)
    throw std::logic_error("a GOODPUT_EXPECT_/GOODPUT_ASSERT_ macro ran outside a task body (GOODPUT_TASK)");
  return *t_current;
}

void TaskContext::record(TaskCheck check) {
  const bool stop = check.fatal && check.result.outcome != checkers::Outcome::pass;
  m_impl->checks.push_back(std::move(check));
  if (stop) throw detail::FatalFailure{};
}

void TaskCase::run(TaskContext& context) {
  m_context = &context;
  body();
}

Reply TaskCase::ask(std::string prompt, AskOptions options, std::source_location where) {
  return m_context->ask(std::move(prompt), std::move(options), where);
}

void TaskCase::new_conversation() { m_context->new_conversation(); }

}  // namespace goodput
