// SPDX-License-Identifier: MIT
#include "python_sandbox.hpp"

#include <stdexcept>
#include <algorithm>
#include <exception>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "check_message.hpp"
#include "goodput/checkers/python_environment.hpp"

namespace goodput::checkers::detail {

namespace {

struct Made {
  std::shared_ptr<sandbox::Sandbox> sandbox;
  std::string error;
};

struct Shared {
  std::mutex mutex;
  std::map<std::string, Made> by_backend;
  std::shared_ptr<sandbox::Sandbox> replacement;
};

Shared& shared() {
  static Shared state;
  return state;
}

std::string megabytes(std::uint64_t bytes) {
  return format_number(static_cast<double>(bytes) / (1024.0 * 1024.0)) + " MB";
}

}  // namespace

std::shared_ptr<sandbox::Sandbox> python_sandbox(const std::string& backend, std::string& error) {
  Shared& state = shared();
  const std::lock_guard<std::mutex> lock(state.mutex);
  if (state.replacement) return state.replacement;
  auto found = state.by_backend.find(backend);
  if (found == state.by_backend.end()) {
    Made made;
    try {
      made.sandbox = sandbox::make_sandbox(backend);
    } catch (const std::exception& e) {
      made.error = std::string("could not set up a sandbox for Python: ") + e.what();
    }
    found = state.by_backend.emplace(backend, std::move(made)).first;
  }
  if (!found->second.sandbox) error = found->second.error;
  return found->second.sandbox;
}

std::string sandbox_backend_param(const Params& params) {
  std::string backend = params.optional_string("sandbox").value_or("auto");
  if (backend != "auto" && backend != "process" && backend != "bwrap" && backend != "unsafe-none") {
    throw ParamError("sandbox", "unknown sandbox '" + backend + "'; use " +
                                    sandbox::k_backend_names);
  }
  // Refused here, before any model is called: a run whose every code check would be an error.
  std::string error;
  if (!python_sandbox(backend, error) && !shared().replacement) {
    throw ParamError("sandbox", "this machine cannot run generated code in the '" + backend +
                                    "' sandbox: " + error);
  }
  return backend;
}

void set_python_sandbox_for_testing(std::shared_ptr<sandbox::Sandbox> replacement) {
  Shared& state = shared();
  const std::lock_guard<std::mutex> lock(state.mutex);
  state.replacement = std::move(replacement);
}

sandbox::Request driver_request(std::vector<sandbox::File> files, std::string job_json, double seconds,
                                std::int64_t memory_mb) {
  sandbox::Request request;
  request.argv = {std::string(k_python), "-I", "-X", "utf8", "goodput_driver.py"};
  request.files = std::move(files);
  request.files.push_back({"goodput_driver.py", std::string(goodput_driver_source())});
  request.files.push_back({"job.json", std::move(job_json)});
  request.result_channel = true;
  // numpy and friends start a thread pool per core, each reserving address space.
  request.env = {{"OPENBLAS_NUM_THREADS", "1"}, {"OMP_NUM_THREADS", "1"}, {"MKL_NUM_THREADS", "1"}};
  request.limits.wall_s = seconds;
  request.limits.cpu_s = seconds;
  request.limits.address_space_bytes = static_cast<std::uint64_t>(memory_mb) << 20;
  request.limits.memory_bytes = static_cast<std::uint64_t>(memory_mb) << 20;
  return request;
}

std::string describe_limits(const sandbox::Limits& limits) {
  return "wall " + format_number(limits.wall_s) + " s, CPU " + format_number(limits.cpu_s) +
         " s, memory " + megabytes(limits.memory_bytes) + " for the run and " +
         megabytes(limits.address_space_bytes) + " of address space per process, " +
         std::to_string(limits.processes) + " processes, files " +
         megabytes(limits.file_size_bytes) + ", scratch " + megabytes(limits.scratch_bytes) +
         ", output " + megabytes(static_cast<std::uint64_t>(limits.output_bytes));
}

bool ended_by_limit(sandbox::EndReason reason) {
  switch (reason) {
    case sandbox::EndReason::timed_out:
    case sandbox::EndReason::cpu_limit:
    case sandbox::EndReason::memory_limit:
    case sandbox::EndReason::output_limit:
    case sandbox::EndReason::file_size_limit:
    case sandbox::EndReason::scratch_limit: return true;
    case sandbox::EndReason::exited:
    case sandbox::EndReason::signalled:
    case sandbox::EndReason::failed_to_start: return false;
  }
  return false;
}

std::string describe_limit_end(const sandbox::Result& result, const sandbox::Limits& limits) {
  switch (result.reason) {
    case sandbox::EndReason::timed_out:
      return "hit the " + format_number(limits.wall_s) + " s time limit";
    case sandbox::EndReason::cpu_limit:
      return "hit the " + format_number(limits.cpu_s) + " s CPU limit";
    case sandbox::EndReason::memory_limit:
      return "ran out of memory (limit " + megabytes(std::min(limits.memory_bytes, limits.address_space_bytes)) + ")";
    case sandbox::EndReason::output_limit:
      return result.channel_truncated
                 ? "wrote more than " + megabytes(static_cast<std::uint64_t>(limits.channel_bytes)) +
                       " to its result channel"
                 : "printed more than " + megabytes(static_cast<std::uint64_t>(limits.output_bytes));
    case sandbox::EndReason::file_size_limit:
      return "wrote a file larger than " + megabytes(limits.file_size_bytes);
    case sandbox::EndReason::scratch_limit:
      return "filled its " + megabytes(limits.scratch_bytes) + " of scratch space (work directory, /tmp)";
    case sandbox::EndReason::signalled:
      return "was killed by signal " + std::to_string(result.term_signal);
    case sandbox::EndReason::exited:
    case sandbox::EndReason::failed_to_start: break;
  }
  return "";
}

void add_sandbox_facts(CheckResult& result, const sandbox::Sandbox& box, const sandbox::Result& run,
                       const sandbox::Limits& limits) {
  // A run that never started may not say what isolation it would have had: ask the backend.
  const sandbox::Isolation isolation = run.isolation.backend.empty() ? box.isolation() : run.isolation;
  result.facts["sandbox"] = isolation.describe();
  result.facts["sandbox backend"] = isolation.backend;
  result.facts["limits"] = describe_limits(limits);
  result.facts["python"] = std::string(k_python);
  result.facts["sandbox time"] = format_seconds(run.wall_s) + " s";
  // What the code printed to stderr (a traceback, a warning), its last lines, so that reports
  // (the HTML report's run panel) can show it; bounded, since the journal keeps it per run.
  if (std::string tail = stderr_tail(run.stderr_text, k_stderr_fact_lines); !tail.empty()) {
    if (tail.size() > k_stderr_fact_bytes) {
      std::size_t cut = tail.size() - k_stderr_fact_bytes;
      while (cut < tail.size() && (static_cast<unsigned char>(tail[cut]) & 0xC0) == 0x80) ++cut;  // whole code points
      tail = "..." + tail.substr(cut);
    }
    result.facts["stderr"] = std::move(tail);
  }
}

std::string stderr_tail(std::string_view text, std::size_t max_lines) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) lines.push_back(line);
    start = end + 1;
  }
  std::string out;
  for (std::size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size(); ++i) {
    if (!out.empty()) out += '\n';
    out += lines[i];
  }
  return out;
}

std::vector<std::string> packages_param(const Params& params) {
  try {
    return checked_python_packages(params.string_list("packages"));
  } catch (const std::invalid_argument& e) {
    throw ParamError("packages", e.what());
  }
}

}  // namespace goodput::checkers::detail
