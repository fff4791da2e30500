// What a `regex` assertion costs: the check on a 1 MB and a 50 MB Japanese answer (a search
// that finds nothing, counting chapter headings, a match near the end, and nested quantifiers
// on a run of one letter), and loading 10,000 tasks that share one pattern, against the same
// tasks with `contains` (each load in a fresh process: wall time, peak RSS and the heap the
// tasks hold once loaded).
// Only the public assertion and task-file API is used, so the same file measures any version.
//   bench/goodput_bench_regex [tasks=10000]
#include <malloc.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "goodput/checkers/checker.hpp"
#include "goodput/spec.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string japanese_answer(std::size_t bytes) {
  std::string text;
  for (int chapter = 1; text.size() < bytes; ++chapter) {
    text += "## 第" + std::to_string(chapter) + "章 月面都市\n";
    text += "吾輩は猫である。名前はまだ無い。東京都の研究所で、ミナは静かの海を見ていた。"
            "The dome hummed; 酸素の残量は六十パーセント。\n";
  }
  text.resize(bytes);
  // Cut on a character boundary.
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
  if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
  return text + "\n東京都の研究所でEND";
}

struct Case {
  const char* name;
  const char* pattern;
  std::int64_t min_count;  // 1: a search; above: count every match
  bool letters;            // the answer is a run of 'a' and one '!'
};

void check_timings() {
  const std::vector<Case> cases = {
      {"search, no match", "答え[0-9]+点", 1, false},
      {"count headings", "^## 第[0-9]+章", 100'000'000, false},
      {"match at the end", "(東京|大阪)[^\\n]*END$", 1, false},
      {"nested quantifiers", "(a+)+$", 1, true},
  };
  std::printf("%-20s %-10s %10s  %s\n", "check", "answer", "seconds", "outcome: message");
  for (const std::size_t mb : {1, 50}) {
    const std::string story = japanese_answer(mb * 1024 * 1024);
    const std::string letters = std::string(mb * 1024 * 1024, 'a') + "!";
    for (const Case& c : cases) {
      goodput::Params params;
      params.set("pattern", std::string(c.pattern));
      if (c.min_count != 1) params.set("min_count", c.min_count);
      const auto checker = goodput::checkers::find_checker_type("regex")->make(params);
      goodput::Completion completion;
      completion.answer = c.letters ? letters : story;
      const int runs = mb == 1 ? 5 : 1;
      std::vector<double> times;
      goodput::checkers::CheckResult result;
      for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        result = checker->check(completion);
        times.push_back(seconds_since(start));
      }
      std::sort(times.begin(), times.end());
      const std::string outcome(goodput::checkers::to_string(result.outcome));
      std::printf("%-20s %4zu MB    %10.3f  %s: %.90s\n", c.name, mb, times[times.size() / 2], outcome.c_str(),
                  result.message.c_str());
      std::fflush(stdout);
    }
  }
}

// In the child: load the file, then print seconds, peak RSS, and the heap the loaded tasks hold
// (malloc's bytes in use: the peak is mostly the YAML document, freed once the tasks are built,
// and RSS keeps freed memory malloc has not returned).
int load_tasks(const std::string& path) {
  const auto start = Clock::now();
  const goodput::TaskSuite suite = goodput::load_task_file(path);
  const double seconds = seconds_since(start);
  // VmHWM rather than getrusage's ru_maxrss, which Linux carries over from the parent's memory
  // when posix_spawn starts this process sharing it.
  long peak_kb = 0;
  if (std::FILE* status = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, status))
      if (std::sscanf(line, "VmHWM: %ld kB", &peak_kb) == 1) break;
    std::fclose(status);
  }
  const auto in_use_kb = static_cast<long>(mallinfo2().uordblks / 1024);
  std::printf("%zu %.3f %ld %ld\n", suite.tasks.size(), seconds, peak_kb, in_use_kb);
  return 0;
}

std::string write_tasks(int count, bool regex) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("goodput-bench-regex-" + std::to_string(count) + (regex ? "-regex" : "-contains") + ".yaml");
  std::ofstream out(path);
  out << "suite: bench\ntasks:\n";
  for (int i = 0; i < count; ++i) {
    out << "  - id: t" << i << "\n    prompt: 第" << i << "章を書いてください\n    assert:\n";
    if (regex)
      out << "      - type: regex\n        pattern: '^(#+\\s*)?第[0-9]+章'\n        min_count: 3\n";
    else
      out << "      - type: contains\n        value: '第1章'\n";
  }
  return path.string();
}

void load_timings(const char* self, int count) {
  std::printf("\n%-32s %8s %14s %18s %18s\n", "load (best of 3)", "seconds", "peak RSS (MB)", "heap in use (MB)",
              "per task (KB)");
  long baseline_kb = 0;
  for (const bool regex : {false, true}) {
    const std::string path = write_tasks(count, regex);
    std::size_t tasks = 0;
    double seconds = 1e9;
    long peak_kb = 0;
    long after_kb = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
      int pipe_fds[2];
      if (pipe(pipe_fds) != 0) return;
      posix_spawn_file_actions_t actions;
      posix_spawn_file_actions_init(&actions);
      posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
      posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
      std::string mode = "--load";
      std::vector<char*> argv = {const_cast<char*>(self), mode.data(), const_cast<char*>(path.c_str()), nullptr};
      pid_t pid = 0;
      const int spawned = posix_spawn(&pid, self, &actions, nullptr, argv.data(), environ);
      posix_spawn_file_actions_destroy(&actions);
      close(pipe_fds[1]);
      char buffer[256] = {};
      const ssize_t got = spawned == 0 ? read(pipe_fds[0], buffer, sizeof buffer - 1) : -1;
      close(pipe_fds[0]);
      int status = 0;
      if (spawned == 0) waitpid(pid, &status, 0);
      double s = 0;
      if (got <= 0 || std::sscanf(buffer, "%zu %lf %ld %ld", &tasks, &s, &peak_kb, &after_kb) != 4) {
        std::printf("%s: the loading process failed\n", path.c_str());
        return;
      }
      seconds = std::min(seconds, s);
    }
    if (!regex) baseline_kb = after_kb;
    const std::string label = std::to_string(tasks) + (regex ? " tasks, one regex each" : " tasks, one contains each");
    char extra[64] = "";
    if (regex && tasks > 0)
      std::snprintf(extra, sizeof extra, "%.2f more", static_cast<double>(after_kb - baseline_kb) / static_cast<double>(tasks));
    std::printf("%-32s %8.3f %14.1f %18.1f %18s\n", label.c_str(), seconds, static_cast<double>(peak_kb) / 1024,
                static_cast<double>(after_kb) / 1024, extra);
    std::filesystem::remove(path);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--load") return load_tasks(argv[2]);
  const int count = argc > 1 ? std::atoi(argv[1]) : 10'000;
  check_timings();
  load_timings(argv[0], count);
  return 0;
}
