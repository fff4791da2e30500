// SPDX-License-Identifier: MIT
// Shared by the sandbox tests: the backends the tests run on, Python requests, and a check that
// no process of a run survived it.
#pragma once

#include "goodput/sandbox/sandbox.hpp"

#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace goodput::sandbox::testing {

// "process": goodput's own sandbox (namespaces, private root, seccomp, cgroup, own uid).
// "bwrap": the same built by bubblewrap; skipped only when bwrap is not installed or not
//   usable here.
// "unsafe-none": no namespaces (what a task gets only by asking for it on a machine that
//   refuses them); tested here so that what it does promise stays true.
inline const std::vector<std::string> k_backends = {"process", "bwrap", "unsafe-none"};

inline std::unique_ptr<Sandbox> make_backend(const std::string& name, std::string* why_not) {
  try {
    return make_sandbox(name);
  } catch (const std::runtime_error& e) {
    *why_not = e.what();
    return nullptr;
  }
}

// A marker unique to one test run, put in the script's file name so every process of the run
// (forked children keep their parent's command line) can be found in /proc afterwards.
inline std::string unique_marker() {
  static std::atomic<int> counter{0};
  return "gpmark" + std::to_string(::getpid()) + "x" + std::to_string(counter++);
}

// Host pids whose command line contains marker (zombies have an empty one and do not count).
inline std::vector<int> processes_with(const std::string& marker) {
  std::vector<int> found;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return found;
  while (const dirent* entry = ::readdir(proc)) {
    const std::string name = entry->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in("/proc/" + name + "/cmdline", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find(marker) != std::string::npos) found.push_back(std::stoi(name));
  }
  ::closedir(proc);
  return found;
}

// Host directories holding a file whose name contains marker, anywhere under the places a
// work directory could be put on the host (only unsafe-none puts one there at all: see
// sandboxes/src/unsafe_sandbox.cpp), three levels deep.
inline std::vector<std::filesystem::path> work_directories_of(const std::string& marker) {
  std::vector<std::filesystem::path> bases = {"/tmp", "/dev/shm", "/var/tmp", "/run"};
  if (const char* tmpdir = std::getenv("TMPDIR")) bases.emplace_back(tmpdir);
  std::vector<std::filesystem::path> found;
  for (const auto& base : bases) {
    std::error_code ec;
    auto it = std::filesystem::recursive_directory_iterator(
        base, std::filesystem::directory_options::skip_permission_denied, ec);
    for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it.depth() > 2) it.disable_recursion_pending();
      if (it->path().filename().string().find(marker) != std::string::npos) {
        found.push_back(it->path().parent_path());
      }
    }
  }
  return found;
}

inline void remove_work_directories_of(const std::string& marker) {
  for (const auto& dir : work_directories_of(marker)) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}

// A python3 request running `code` from a file whose name carries `marker`.
inline Request python_request(const std::string& code, const std::string& marker,
                               std::vector<std::string> extra_args = {}) {
  Request request;
  const std::string script = "main_" + marker + ".py";
  // -I: ignore PYTHON* variables and user site; -S: no site import (faster start, and the
  // battery needs nothing outside the standard library).
  request.argv = {"python3", "-I", "-S", script};
  request.argv.insert(request.argv.end(), extra_args.begin(), extra_args.end());
  request.files = {{script, code}};
  request.limits.wall_s = 10;
  request.limits.cpu_s = 10;
  request.limits.address_space_bytes = 256ull << 20;
  request.limits.processes = 16;
  request.limits.file_size_bytes = 10ull << 20;
  request.limits.output_bytes = 1u << 20;
  return request;
}

inline std::string describe(const Result& result) {
  std::ostringstream out;
  out << "reason=" << to_string(result.reason) << " exit=" << result.exit_code
      << " signal=" << result.term_signal << " wall=" << result.wall_s << "s cpu=" << result.cpu_s
      << "s error=\"" << result.error << "\"\n--- stdout (" << result.stdout_text.size()
      << " bytes) ---\n"
      << result.stdout_text.substr(0, 2000) << "\n--- stderr ---\n"
      << result.stderr_text.substr(0, 2000) << "\n--- isolation: " << result.isolation.describe();
  return out.str();
}

// A directory of the test's own under /tmp (never bound into bwrap), removed at the end.
class TestDir {
 public:
  TestDir() {
    std::string pattern = "/tmp/goodput-sandbox-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
    ::chmod(m_path.c_str(), 0755);
  }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;
  ~TestDir() {
    std::string command = "rm -rf '" + m_path + "'";
    if (std::system(command.c_str()) != 0) std::perror("rm");
  }
  const std::string& path() const { return m_path; }
  std::string write(const std::string& name, const std::string& content, mode_t mode = 0644) const {
    const std::string file = m_path + "/" + name;
    std::ofstream(file) << content;
    ::chmod(file.c_str(), mode);
    return file;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(m_path + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string m_path;
};

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string why_not;
    m_sandbox = make_backend(GetParam(), &why_not);
    if (!m_sandbox) GTEST_SKIP() << "bwrap backend not usable on this machine: " << why_not;
    m_isolation = m_sandbox->isolation();
    RecordProperty("isolation", m_isolation.describe());
  }

  Sandbox& sandbox() { return *m_sandbox; }
  const Isolation& isolation() const { return m_isolation; }

  // Runs the request and checks what every run must satisfy: no process of it survives.
  Result run_contained(const Request& request, const std::string& marker) {
    Result result = m_sandbox->run(request);
    const std::vector<int> left = processes_with(marker);
    EXPECT_TRUE(left.empty()) << left.size() << " process(es) of the run survived it, e.g. pid "
                              << (left.empty() ? 0 : left.front()) << "\n" << describe(result);
    return result;
  }

 private:
  std::unique_ptr<Sandbox> m_sandbox;
  Isolation m_isolation;
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');  // gtest names are identifiers
  return name;
}

}  // namespace goodput::sandbox::testing
