// SPDX-License-Identifier: MIT
// What the user asked for: task cases (prompt + assertions) and models (endpoint + settings),
// loaded from YAML (load_task_file, load_models_file) and validated before any request.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/checkers/checker.hpp"
#include "goodput/error.hpp"
#include "goodput/params.hpp"

namespace goodput {

class TaskContext;

struct AssertionSpec {
  std::string type;
  Params params;
  SourceLocation where;
  std::shared_ptr<const checkers::Checker> checker;  // built at load time, so bad params fail early
};

struct TaskSpec {
  std::string suite;
  std::string name;
  std::string id() const { return suite + "." + name; }
  std::string system;  // optional system message
  std::string prompt;
  nlohmann::json params = nlohmann::json::object();  // request parameters (max_tokens...)
  std::vector<AssertionSpec> assertions;
  std::vector<std::string> tags;
  int repeat = 1;
  SourceLocation where;  // the YAML task, or the GOODPUT_TASK macro
  // A task case written in C++ (goodput/task.hpp): the runner runs this instead of sending
  // `prompt` and judging `assertions` (both then empty); it asks and checks by itself.
  std::function<void(TaskContext&)> body;
};

struct TimeoutSettings {
  double connect_s = 10;
  double request_s = 900;  // whole request, first byte to last
  double stall_s = 120;    // no bytes at all for this long (local servers can prefill slowly)
};

struct ModelSpec {
  std::string name;      // the user's name for this model + settings
  std::string base_url;  // e.g. http://127.0.0.1:8080/v1
  std::string dialect = "openai";
  std::string model;     // the id the server expects
  nlohmann::json params = nlohmann::json::object();      // request parameters, override the task's
  nlohmann::json extra_body = nlohmann::json::object();  // passed through unchanged
  std::string api_key_env;  // name of the environment variable holding the key; never the key
  int concurrency = 1;      // requests in flight at once for this model
  TimeoutSettings timeouts;
  bool simulated = false;   // the endpoint is `goodput sim`; labelled wherever results appear
  // low | medium | high | none (empty: the server's default); each dialect translates it into
  // its own switch (OpenAI reasoning_effort, Ollama think, llama.cpp chat_template_kwargs...).
  std::string reasoning_effort;
  std::string system_role = "system";  // "developer" for gpt-oss on Bedrock
  bool warmup = false;                 // one unmeasured request first; its time is the load time
  int retry_attempts = 3;              // on connection errors, 429 and 503
  double retry_max_wait_s = 30;        // total backoff budget per request
  SourceLocation where;
};

struct TaskSuite {
  std::string file;
  std::string suite;
  std::vector<TaskSpec> tasks;
};

// Throws ConfigError naming file:line:column and the field.
TaskSuite load_task_file(const std::string& path);
// Every *.yaml / *.yml under `path` (a file or a directory, recursively, sorted); throws
// ConfigError when none is found or two tasks share an id.
std::vector<TaskSpec> load_tasks(const std::vector<std::string>& paths);
std::vector<ModelSpec> load_models_file(const std::string& path);

// The server behind a model's base_url: scheme, host and port ("http://127.0.0.1:8080").
// Dialects put different paths on one server (/v1, /api, /api/v0); it is the server that
// must not be measured concurrently by two models.
std::string server_endpoint(const ModelSpec& model);

// Request body for the OpenAI chat dialect; shared by providers and tests.
nlohmann::json merged_params(const TaskSpec& task, const ModelSpec& model);

}  // namespace goodput
