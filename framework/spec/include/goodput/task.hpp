// SPDX-License-Identifier: MIT
// Writing task cases in C++: GOODPUT_TASK declares a task and registers it in the registry
// that YAML task files also feed, so filters, repeats, the journal and the reports treat both
// alike. The body asks the model (several times, for a conversation) and checks each reply
// with the assertion types YAML uses, through expectation macros that read like GoogleTest:
//
//   #include "goodput/task.hpp"
//
//   GOODPUT_TASK(Coding, JsonToCsv) {
//     auto reply = ask("Write a Python function that converts JSON to CSV.",
//                      {.system = "You are a careful programmer.", .params = {{"max_tokens", 2000}}});
//     GOODPUT_ASSERT_PYTHON_COMPILES(reply);                 // stops the task when it fails
//     GOODPUT_EXPECT_PYTHON_PASSES(reply, "fixtures/json_to_csv") << "the seed fixtures";
//     auto again = ask("Now add an option to write a UTF-8 BOM.");  // same conversation
//     GOODPUT_EXPECT_CONTAINS(again, "utf-8-sig");
//   }
//
// Build task files into an executable that links goodput::main (which provides main()), and
// run it like `goodput run`: `my_tasks --models models.yaml --filter 'Coding.*' --repeat 5`.
// This header is light on purpose (no curl, yaml-cpp, nlohmann/json or Boost); the macros
// are all GOODPUT_-prefixed, so they live beside GoogleTest's EXPECT_* without clashing.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <source_location>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goodput/checkers/checker.hpp"
#include "goodput/completion.hpp"
#include "goodput/dataset.hpp"
#include "goodput/error.hpp"
#include "goodput/params.hpp"

namespace goodput {

class Provider;
struct ModelSpec;
struct TaskSpec;
class TaskContext;

// Request parameters by name ("max_tokens", "temperature", "stop"...), as in a task file's
// `params:`. Integers, numbers, booleans, strings and string lists.
using ParamMap = std::map<std::string, ParamValue, std::less<>>;

// How to send one ask(). Parameters given here override the task's for this request only;
// the models file still wins over both (a tuned model is not silently re-tuned by a task).
// Members have `{}` initializers so designated initializers that name only some of them stay
// clean under -Wextra (-Wmissing-field-initializers).
struct AskOptions {
  std::string system{};  // the conversation's system message from this ask on; empty: keep
  ParamMap params{};
  std::string params_json{};  // a JSON object merged over `params`, for nested values (response_format)
};

// What the model answered to one ask(). Cheap to copy; holds the whole Completion.
class Reply {
 public:
  Reply() = default;
  explicit Reply(Completion completion, std::vector<std::string> python_packages = {})
      : m_completion(std::move(completion)), m_python_packages(std::move(python_packages)) {}

  const std::string& answer() const { return m_completion.answer; }
  const std::string& reasoning() const { return m_completion.reasoning; }
  StopReason stop_reason() const { return m_completion.stop_reason; }
  const Metrics& metrics() const { return m_completion.metrics; }
  const TokenCounts& tokens() const { return m_completion.tokens; }
  const Completion& completion() const { return m_completion; }
  // The task's Python packages (TaskSpec::python_packages), for the python-passes checks of this reply.
  const std::vector<std::string>& python_packages() const { return m_python_packages; }

 private:
  Completion m_completion;
  std::vector<std::string> m_python_packages;
  std::optional<double> m_min_pass_rate;
};

// One request of a task case, as the journal keeps it.
struct Turn {
  int conversation = 0;      // 0-based; new_conversation() starts the next
  std::size_t messages = 0;  // chat messages sent: system + history + this prompt
  std::string system;        // the system message sent, empty when none
  std::string prompt;
  SourceLocation where;      // the ask() call
  Completion completion;
};

// One expectation's result, with the assertion type that judged it ("contains").
struct TaskCheck {
  std::string type;
  SourceLocation where;
  bool fatal = false;  // an ASSERT_ (stops the task when it does not pass)
  checkers::CheckResult result;
};

// Tags, repetitions, request parameters and a default system message for a task declared with
// GOODPUT_TASK_WITH. Setters chain: goodput::tags({"code", "python"}).repeat(3).param("max_tokens", 800).
class TaskOptions {
 public:
  TaskOptions& tag(std::string name) {
    m_tags.push_back(std::move(name));
    return *this;
  }
  TaskOptions& tags(std::initializer_list<std::string> names) {
    m_tags.insert(m_tags.end(), names);
    return *this;
  }
  TaskOptions& repeat(int samples) {
    m_repeat = samples;
    return *this;
  }
  TaskOptions& param(std::string name, ParamValue value) {
    m_params[std::move(name)] = std::move(value);
    return *this;
  }
  TaskOptions& system(std::string message) {
    m_system = std::move(message);
    return *this;
  }
  // The packages an answer may import besides the standard library (README "Python packages").
  TaskOptions& python_packages(std::vector<std::string> modules) {
    m_python_packages = std::move(modules);
    return *this;
  }

  // With repeats: the task x model passes when at least this share (0 to 1) of its samples
  // passed (README "Pass rate per task"): goodput::TaskOptions{}.repeat(10).min_pass_rate(0.8).
  TaskOptions& min_pass_rate(double share) {
    m_min_pass_rate = share;
    return *this;
  }

  const std::vector<std::string>& tag_list() const { return m_tags; }
  int repeat_count() const { return m_repeat; }
  const ParamMap& params() const { return m_params; }
  const std::string& system_message() const { return m_system; }
  const std::vector<std::string>& python_package_list() const { return m_python_packages; }
  std::optional<double> min_pass_rate_value() const { return m_min_pass_rate; }

 private:
  std::vector<std::string> m_tags;
  int m_repeat = 1;
  ParamMap m_params;
  std::string m_system;
  std::vector<std::string> m_python_packages;
  std::optional<double> m_min_pass_rate;
};

inline TaskOptions tags(std::initializer_list<std::string> names) { return TaskOptions{}.tags(names); }

// Where the rows of a GOODPUT_TASK_P come from (GOODPUT_INSTANTIATE). Read when the tasks are
// loaded, after main() starts, so a bad file stops the run with exit code 2 and a message
// naming it, before any request.
class DataSource {
 public:
  explicit DataSource(std::function<std::vector<DataRow>()> load) : m_load(std::move(load)) {}
  std::vector<DataRow> load() const { return m_load(); }

 private:
  std::function<std::vector<DataRow>()> m_load;
};

// The rows of a .jsonl or .csv file (goodput/dataset.hpp), relative to the calling source
// file's folder; ids from the `id_column` field, or the row numbers.
DataSource rows_from_file(std::string path, std::string id_column = "",
                          std::source_location where = std::source_location::current());
// Rows written in code, each a list of {field, value}: rows({{{"country", "Japan"}}, {{"country", "France"}}}).
DataSource rows(std::vector<std::vector<std::pair<std::string, std::string>>> rows, std::string id_column = "",
                std::source_location where = std::source_location::current());
// One field, `value`, per row: values({"Japan", "France"}); ids are the row numbers.
DataSource values(std::vector<std::string> values, std::source_location where = std::source_location::current());

// The state of one run of a task case: the provider it asks, the conversation so far, and
// what its expectations recorded. The runner makes one per run, on the worker thread that
// owns `provider`; tests may make one around a scripted Provider. Not thread-safe.
class TaskContext {
 public:
  // `model` and `task` may be null (tests): then only the ask's own parameters are sent.
  // `model`, `task`, `provider` and `cancel` must outlive the context.
  explicit TaskContext(Provider& provider, const ModelSpec* model = nullptr, const TaskSpec* task = nullptr,
                       const std::atomic<bool>* cancel = nullptr);
  ~TaskContext();
  TaskContext(const TaskContext&) = delete;
  TaskContext& operator=(const TaskContext&) = delete;

  // Sends the conversation so far plus `prompt`, and on success appends both the prompt and
  // the answer to the conversation. A transport error ends the task case (an *error*, not a
  // model failure): ask() then does not return.
  Reply ask(std::string prompt, AskOptions options = {}, std::source_location where = std::source_location::current());
  // Forgets the conversation (the system message goes back to the task's default).
  void new_conversation();

  // Runs a task body with this context as the current one on this thread, and records how it
  // ended: a fatal expectation, a failed ask() or an exception stop it. Never throws.
  void run(const std::function<void(TaskContext&)>& body);

  const std::vector<Turn>& turns() const;
  const std::vector<TaskCheck>& checks() const;
  // The dataset row of a GOODPUT_TASK_P case; an empty row for other tasks.
  const DataRow& row() const;
  // error: an ask() failed, a check could not judge or the body threw; fail: an expectation
  // failed; pass otherwise (also for a body that checks nothing).
  checkers::Outcome outcome() const;

  // The context whose body runs on this thread; throws std::logic_error outside a task body.
  static TaskContext& current();

  // The expectation macros' entry point: records `check`; throws to stop the body when a
  // fatal one did not pass.
  void record(TaskCheck check);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The base of every GOODPUT_TASK: ask() and new_conversation() for the body.
class TaskCase {
 public:
  TaskCase() = default;
  virtual ~TaskCase() = default;
  TaskCase(const TaskCase&) = delete;
  TaskCase& operator=(const TaskCase&) = delete;

  void run(TaskContext& context);

 protected:
  Reply ask(std::string prompt, AskOptions options = {}, std::source_location where = std::source_location::current());
  void new_conversation();
  TaskContext& context() const { return *m_context; }
  // In a GOODPUT_TASK_P body: this case's row, and one of its fields (a field the row lacks
  // throws std::out_of_range, which ends the case as an error naming the field).
  const DataRow& row() const { return m_context->row(); }
  const std::string& var(std::string_view name) const { return row().at(name); }

 private:
  virtual void body() = 0;
  TaskContext* m_context = nullptr;
};

namespace detail {

// Thrown to stop a task body; deliberately not std::exception, so a body's own
// `catch (const std::exception&)` does not swallow it.
struct FatalFailure {};
struct AskFailed {};

// An expectation before it is recorded: which assertion type, with which parameters, and how
// to say what was expected ("contains \"60%\"", after the reply's expression).
struct CheckSpec {
  std::string type;
  ParamMap params;
  std::string expected;
};

CheckSpec contains_spec(std::string_view text);
CheckSpec not_contains_spec(std::string_view text);
CheckSpec icontains_spec(std::string_view text);
CheckSpec matches_spec(std::string_view pattern);
CheckSpec number_near_spec(double expected, double tolerance, std::string_view near = {});
CheckSpec list_count_spec(std::int64_t count);
CheckSpec python_compiles_spec();
CheckSpec python_passes_spec(std::string_view fixtures_dir);
CheckSpec stop_reason_spec(std::string_view reason);
CheckSpec latency_below_spec(double seconds);
CheckSpec check_spec(std::string_view type, ParamMap params = {});

// Builds the checker through checkers::find_checker_type(type)->make(params), the code YAML
// uses, and judges `completion` with it. Path parameters are relative to `file`'s folder.
TaskCheck evaluate(const Completion& completion, const char* reply_text, const CheckSpec& spec, bool fatal,
                   const char* file, int line);
// A python-passes check that names no packages of its own gets the task's.
inline TaskCheck evaluate(const Reply& reply, const char* reply_text, const CheckSpec& spec, bool fatal,
                          const char* file, int line) {
  if (spec.type != "python-passes" || reply.python_packages().empty() || spec.params.contains("packages"))
    return evaluate(reply.completion(), reply_text, spec, fatal, file, line);
  CheckSpec with_packages = spec;
  with_packages.params["packages"] = reply.python_packages();
  return evaluate(reply.completion(), reply_text, with_packages, fatal, file, line);
}

// `<< "more words"` after an expectation macro, as in GoogleTest.
class Note {
 public:
  template <class T>
  Note& operator<<(const T& value) {
    m_text << value;
    return *this;
  }
  std::string str() const { return m_text.str(); }

 private:
  std::ostringstream m_text;
};

// Adds the note to a failure's message and records the check with the current context.
class Recorder {
 public:
  explicit Recorder(TaskCheck check) : m_check(std::move(check)) {}
  void operator=(const Note& note);

 private:
  TaskCheck m_check;
};

class TaskRegistrar {
 public:
  TaskRegistrar(const char* suite, const char* name, const char* file, int line, const TaskOptions& options,
                void (*body)(TaskContext&));
};

// GOODPUT_TASK_P: a task template, one case per row of each GOODPUT_INSTANTIATE naming it.
class TaskTemplateRegistrar {
 public:
  TaskTemplateRegistrar(const char* suite, const char* name, const char* file, int line, const TaskOptions& options,
                        void (*body)(TaskContext&));
};

class InstantiationRegistrar {
 public:
  InstantiationRegistrar(const char* suite, const char* name, const char* file, int line, DataSource source);
};

template <class Case>
void run_case(TaskContext& context) {
  Case task;
  task.run(context);
}

}  // namespace detail
}  // namespace goodput

#define GOODPUT_INTERNAL_CAT_(a, b) a##b
#define GOODPUT_INTERNAL_CAT(a, b) GOODPUT_INTERNAL_CAT_(a, b)
#define GOODPUT_INTERNAL_CLASS(suite, name) suite##_##name##_GoodputTask

#define GOODPUT_INTERNAL_TASK(registrar, suite, name, ...)                                               \
  static_assert(sizeof(#suite) > 1, "GOODPUT_TASK: the suite name must not be empty");                   \
  static_assert(sizeof(#name) > 1, "GOODPUT_TASK: the task name must not be empty");                     \
  class GOODPUT_INTERNAL_CLASS(suite, name) final : public ::goodput::TaskCase {                          \
    void body() override;                                                                                \
  };                                                                                                     \
  [[maybe_unused]] static const ::goodput::detail::registrar GOODPUT_INTERNAL_CAT(                        \
      goodput_internal_registrar_, __COUNTER__)(#suite, #name, __FILE__, __LINE__,                       \
                                                ::goodput::TaskOptions(__VA_ARGS__),                     \
                                                &::goodput::detail::run_case<GOODPUT_INTERNAL_CLASS(suite, name)>); \
  void GOODPUT_INTERNAL_CLASS(suite, name)::body()

// Declares and registers the task case `Suite.Name`; the braces that follow are its body. Use
// at namespace scope; Suite and Name are identifiers (no underscores, as in GoogleTest).
//
//   GOODPUT_TASK(Geography, Capital) {
//     auto reply = ask("What is the capital of Japan?");
//     GOODPUT_EXPECT_CONTAINS(reply, "Tokyo");
//   }
#define GOODPUT_TASK(Suite, Name) GOODPUT_INTERNAL_TASK(TaskRegistrar, Suite, Name)

// GOODPUT_TASK with options: tags, repeat, request parameters, a default system message.
//
//   GOODPUT_TASK_WITH(Coding, Fizz, goodput::tags({"code", "python"}).repeat(3).param("temperature", 0.2)) {
//     GOODPUT_EXPECT_PYTHON_COMPILES(ask("Write FizzBuzz in Python."));
//   }
#define GOODPUT_TASK_WITH(Suite, Name, ...) GOODPUT_INTERNAL_TASK(TaskRegistrar, Suite, Name, __VA_ARGS__)

// A parameterised task case, as GoogleTest's TEST_P: the body runs once per row of the
// datasets that GOODPUT_INSTANTIATE gives it, as the task Suite.Name_<row id>, and reads the
// row with var("field") (or row()). Declaring one without an instantiation is an error.
//
//   GOODPUT_TASK_P(Geography, Capital) {
//     auto reply = ask("What is the capital of " + var("country") + "?");
//     GOODPUT_EXPECT_CONTAINS(reply, var("capital"));
//   }
//   GOODPUT_INSTANTIATE(Geography, Capital, goodput::rows_from_file("capitals.jsonl", "id"));
//   // or goodput::rows({{{"country", "Japan"}, {"capital", "Tokyo"}}, ...}), goodput::values({...})
#define GOODPUT_TASK_P(Suite, Name) GOODPUT_INTERNAL_TASK(TaskTemplateRegistrar, Suite, Name)
#define GOODPUT_TASK_P_WITH(Suite, Name, ...) GOODPUT_INTERNAL_TASK(TaskTemplateRegistrar, Suite, Name, __VA_ARGS__)
// Gives GOODPUT_TASK_P(Suite, Name) the rows of a goodput::DataSource. Several may name the
// same template; their rows' ids must then differ.
#define GOODPUT_INSTANTIATE(Suite, Name, ...)                                                              \
  [[maybe_unused]] static const ::goodput::detail::InstantiationRegistrar GOODPUT_INTERNAL_CAT(            \
      goodput_internal_instantiation_, __COUNTER__)(#Suite, #Name, __FILE__, __LINE__, (__VA_ARGS__))

// One expectation: evaluate, then record (with any `<< note`), then stop if fatal and failed.
// `if (init; false) {} else` keeps it a single statement that is safe inside an unbraced if.
#define GOODPUT_INTERNAL_CHECK(reply, fatal, spec)                                                       \
  if (::goodput::TaskCheck goodput_internal_check =                                                      \
          ::goodput::detail::evaluate((reply), #reply, (spec), (fatal), __FILE__, __LINE__);             \
      false) {                                                                                           \
  } else                                                                                                 \
    ::goodput::detail::Recorder{std::move(goodput_internal_check)} = ::goodput::detail::Note()

// Expectations on a Reply (or a Completion). EXPECT_ records and carries on; ASSERT_ records
// and, when it does not pass, stops the task body. Each builds the assertion type YAML names
// (in brackets) and judges the reply with it. A failure reads like GoogleTest's:
//
//   json_to_csv_task.cpp:42: Failure
//   Expected: reply contains "60%"
//     Actual: contains: '60%' not found in the answer (35 characters: '...')
//
// GOODPUT_EXPECT_CONTAINS(reply, text)            [contains] byte for byte
// GOODPUT_EXPECT_NOT_CONTAINS(reply, text)        [not-contains]
// GOODPUT_EXPECT_ICONTAINS(reply, text)           [icontains] ignoring case and full-width forms
// GOODPUT_EXPECT_MATCHES(reply, regex)            [regex] PCRE2 on characters, searched anywhere
// GOODPUT_EXPECT_NUMBER_NEAR(reply, expected, tolerance[, near_keyword])   [number]
// GOODPUT_EXPECT_LIST_COUNT(reply, n)             [list-count] a numbered list of n items, 1..n
// GOODPUT_EXPECT_PYTHON_COMPILES(reply)           [python-compiles] in the sandbox
// GOODPUT_EXPECT_PYTHON_PASSES(reply, fixtures)   [python-passes] relative to this file's folder
// GOODPUT_EXPECT_STOP_REASON(reply, "stop")       [stop-reason]
// GOODPUT_EXPECT_LATENCY_BELOW(reply, seconds)    [max-latency] end to end
// GOODPUT_EXPECT_CHECK(reply, "type", {{"param", value}, ...})   any assertion type by name
#define GOODPUT_EXPECT_CONTAINS(reply, text) GOODPUT_INTERNAL_CHECK(reply, false, ::goodput::detail::contains_spec(text))
#define GOODPUT_ASSERT_CONTAINS(reply, text) GOODPUT_INTERNAL_CHECK(reply, true, ::goodput::detail::contains_spec(text))
#define GOODPUT_EXPECT_NOT_CONTAINS(reply, text) \
  GOODPUT_INTERNAL_CHECK(reply, false, ::goodput::detail::not_contains_spec(text))
#define GOODPUT_ASSERT_NOT_CONTAINS(reply, text) \
  GOODPUT_INTERNAL_CHECK(reply, true, ::goodput::detail::not_contains_spec(text))
#define GOODPUT_EXPECT_ICONTAINS(reply, text) GOODPUT_INTERNAL_CHECK(reply, false, ::goodput::detail::icontains_spec(text))
#define GOODPUT_ASSERT_ICONTAINS(reply, text) GOODPUT_INTERNAL_CHECK(reply, true, ::goodput::detail::icontains_spec(text))
#define GOODPUT_EXPECT_MATCHES(reply, regex) GOODPUT_INTERNAL_CHECK(reply, false, ::goodput::detail::matches_spec(regex))
#define GOODPUT_ASSERT_MATCHES(reply, regex) GOODPUT_INTERNAL_CHECK(reply, true, ::goodput::detail::matches_spec(regex))
#define GOODPUT_EXPECT_NUMBER_NEAR(reply, ...) \
  GOODPUT_INTERNAL_CHECK(reply, false, ::goodput::detail::number_near_spec(__VA_ARGS__))
#define GOODPUT_ASSERT_NUMBER_NEAR(reply, ...) \
  GOODPUT_INTERNAL_CHECK(reply, true, ::goodput::detail::number_near_spec(__VA_ARGS__))
#define GOODPUT_EXPECT_LIST_COUNT(reply, n) GOODPUT_INTERNAL_CHECK(reply, false, ::goodput::detail::list_count_spec(n))
#define GOODPUT_ASSERT_LIST_COUNT(reply, n) GOODPUT_INTERNAL_CHECK(reply, true, ::goodput::detail::list_count_spec(n))
#define GOODPUT_EXPECT_PYTHON_COMPILES(reply) \
  GOODPUT_INTERNAL_CHECK(reply, false, ::goodput::detail::python_compiles_spec())
#define GOODPUT_ASSERT_PYTHON_COMPILES(reply) \
  GOODPUT_INTERNAL_CHECK(reply, true, ::goodput::detail::python_compiles_spec())
#define GOODPUT_EXPECT_PYTHON_PASSES(reply, fixtures) \
  GOODPUT_INTERNAL_CHECK(reply, false, ::goodput::detail::python_passes_spec(fixtures))
#define GOODPUT_ASSERT_PYTHON_PASSES(reply, fixtures) \
  GOODPUT_INTERNAL_CHECK(reply, true, ::goodput::detail::python_passes_spec(fixtures))
#define GOODPUT_EXPECT_STOP_REASON(reply, reason) \
  GOODPUT_INTERNAL_CHECK(reply, false, ::goodput::detail::stop_reason_spec(reason))
#define GOODPUT_ASSERT_STOP_REASON(reply, reason) \
  GOODPUT_INTERNAL_CHECK(reply, true, ::goodput::detail::stop_reason_spec(reason))
#define GOODPUT_EXPECT_LATENCY_BELOW(reply, seconds) \
  GOODPUT_INTERNAL_CHECK(reply, false, ::goodput::detail::latency_below_spec(seconds))
#define GOODPUT_ASSERT_LATENCY_BELOW(reply, seconds) \
  GOODPUT_INTERNAL_CHECK(reply, true, ::goodput::detail::latency_below_spec(seconds))
#define GOODPUT_EXPECT_CHECK(reply, ...) GOODPUT_INTERNAL_CHECK(reply, false, ::goodput::detail::check_spec(__VA_ARGS__))
#define GOODPUT_ASSERT_CHECK(reply, ...) GOODPUT_INTERNAL_CHECK(reply, true, ::goodput::detail::check_spec(__VA_ARGS__))
