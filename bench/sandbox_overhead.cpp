// What the sandbox costs, and whether the hostile battery ends on time.
//  1. Overhead: a small Python script run bare (posix_spawn + waitpid, stdout to /dev/null)
//     and through one backend, alternately (bare, sandboxed, bare, ...), one backend after the
//     other, so that each backend's ratio is against bare runs made under the same load and
//     no run pays for another backend's teardown; medians, fastest runs, and the ratio
//     sandboxed / bare (goal <= 1.3x).
//     Two scripts: a JSON->CSV converter as goodput's checkers run it (python3 -I) and the
//     smallest possible one (python3 -I -S, print), where the fixed cost weighs most.
//  2. The hostile battery (same programs as tests/sandboxes/hostile_test.cpp) through each
//     backend: each case's wall time next to its wall limit, and the total.
//   bench/goodput_bench_sandbox [runs=30]
#include "goodput/sandbox/sandbox.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

extern char** environ;

namespace {

using goodput::sandbox::EndReason;
using goodput::sandbox::Request;
using goodput::sandbox::Result;
using goodput::sandbox::Sandbox;

using Clock = std::chrono::steady_clock;

const char* const k_converter = R"(
import csv, json, sys
rows = json.load(open("in.json"))
keys = []
for row in rows:
    for key in row:
        if key not in keys:
            keys.append(key)
w = csv.DictWriter(sys.stdout, fieldnames=keys)
w.writeheader()
for row in rows:
    w.writerow(row)
)";
const char* const k_input = R"([{"id": 1, "name": "Ada, Countess", "note": "line\nbreak"},
{"id": 2, "name": "名前", "city": "東京"}, {"id": 3}])";

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

double fastest(const std::vector<double>& values) {
  return values.empty() ? 0 : *std::min_element(values.begin(), values.end());
}

// Bare python3 in a directory holding the same files, stdout to /dev/null.
double run_bare(const std::vector<std::string>& argv, const std::string& dir) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  const Clock::time_point start = Clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ) != 0) {
    std::perror("posix_spawn");
    std::exit(1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  posix_spawn_file_actions_destroy(&actions);
  return wall;
}

double run_sandboxed(Sandbox& sandbox, const Request& request) {
  const Clock::time_point start = Clock::now();
  const Result result = sandbox.run(request);
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  if (result.reason != EndReason::exited || result.exit_code != 0) {
    std::fprintf(stderr, "sandboxed run failed: %s %s %s\n",
                 std::string(goodput::sandbox::to_string(result.reason)).c_str(),
                 result.error.c_str(), result.stderr_text.c_str());
    std::exit(1);
  }
  return wall;
}

struct Backend {
  std::string name;
  std::unique_ptr<Sandbox> sandbox;
};

void overhead(std::vector<Backend>& backends, int runs, const std::string& label,
              const std::vector<std::string>& python_args, const std::string& script) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("goodput-bench-sandbox-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "main.py") << script;
  std::ofstream(dir / "in.json") << k_input;

  std::vector<std::string> bare_argv = {"/usr/bin/python3"};
  bare_argv.insert(bare_argv.end(), python_args.begin(), python_args.end());
  bare_argv.push_back("main.py");
  Request request;
  request.argv = {"python3"};
  request.argv.insert(request.argv.end(), python_args.begin(), python_args.end());
  request.argv.push_back("main.py");
  request.files = {{"main.py", script}, {"in.json", k_input}};

  std::printf("\n%s (%d runs each, alternating with bare runs)\n", label.c_str(), runs);
  for (auto& backend : backends) {
    std::vector<double> bare;
    std::vector<double> sandboxed;
    for (int i = 0; i < 3; ++i) {  // warm the page cache and the probes
      run_bare(bare_argv, dir.string());
      run_sandboxed(*backend.sandbox, request);
    }
    for (int i = 0; i < runs; ++i) {
      bare.push_back(run_bare(bare_argv, dir.string()));
      sandboxed.push_back(run_sandboxed(*backend.sandbox, request));
    }
    // Medians, and the fastest run of each (less sensitive to other load on the machine).
    const double base = median(bare);
    const double base_min = fastest(bare);
    const double m = median(sandboxed);
    const double f = fastest(sandboxed);
    std::printf("  %-12s median %7.2f ms vs bare %7.2f ms: ratio %.2fx (%+6.2f ms)   "
                "fastest %7.2f vs %7.2f ms: ratio %.2fx\n",
                backend.name.c_str(), m * 1000, base * 1000, m / base, (m - base) * 1000,
                f * 1000, base_min * 1000, f / base_min);
  }
  std::filesystem::remove_all(dir);
}

struct HostileCase {
  const char* name;
  const char* code;
  double wall_s;
  double cpu_s;
  EndReason expected;
};

void battery(std::vector<Backend>& backends) {
  const std::vector<HostileCase> cases = {
      {"fork bomb", "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
       1.5, 10, EndReason::timed_out},
      {"infinite loop (wall)", "while True:\n    pass\n", 2, 30, EndReason::timed_out},
      {"infinite loop (cpu)", "while True:\n    pass\n", 10, 1, EndReason::cpu_limit},
      {"allocate 10 GB", "b = bytearray(10 * 1024 ** 3)\n", 10, 10, EndReason::memory_limit},
      {"write 1 GB file",
       "c = b'x' * (1 << 20)\nf = open('big.bin', 'wb')\nfor _ in range(1024):\n    f.write(c)\n", 10,
       10, EndReason::file_size_limit},
      {"print 100 MB", "import sys\nb = ('y' * 1023 + '\\n') * 1024\nfor _ in range(100):\n    sys.stdout.write(b)\n",
       10, 10, EndReason::output_limit},
      {"connect 127.0.0.1",
       "import socket\ns = socket.socket()\ns.settimeout(3)\ntry:\n    s.connect(('127.0.0.1', 9))\nexcept OSError:\n    pass\n",
       10, 10, EndReason::exited},
      {"background daemon",
       "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(60)\n    os._exit(0)\n",
       10, 10, EndReason::exited},
      {"read stdin", "import sys\nsys.stdin.read()\n", 10, 10, EndReason::exited},
      {"kill parent", "import os, signal\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\nexcept OSError:\n    pass\n",
       10, 10, EndReason::exited},
  };
  for (auto& backend : backends) {
    std::printf("\nhostile battery, %s backend (%s)\n", backend.name.c_str(),
                backend.sandbox->isolation().describe().c_str());
    double total = 0;
    for (const HostileCase& c : cases) {
      Request request;
      request.argv = {"python3", "-I", "-S", "main.py"};
      request.files = {{"main.py", c.code}};
      request.limits.wall_s = c.wall_s;
      request.limits.cpu_s = c.cpu_s;
      request.limits.address_space_bytes = 256ull << 20;
      request.limits.processes = 16;
      request.limits.file_size_bytes = 10ull << 20;
      request.limits.output_bytes = 1u << 20;
      const Clock::time_point start = Clock::now();
      const Result result = backend.sandbox->run(request);
      const double wall = std::chrono::duration<double>(Clock::now() - start).count();
      total += wall;
      std::printf("  %-22s %-16s %s  wall %6.3f s (limit %4.1f s, over by %+6.3f s)  cpu %.2f s\n",
                  c.name, std::string(goodput::sandbox::to_string(result.reason)).c_str(),
                  result.reason == c.expected ? "ok  " : "BAD ", wall, c.wall_s,
                  result.reason == EndReason::timed_out ? wall - c.wall_s : 0.0, result.cpu_s);
    }
    std::printf("  %-22s %.3f s\n", "total", total);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 30;
  std::vector<Backend> backends;
  backends.push_back({"process", goodput::sandbox::make_sandbox("process")});
  try {
    backends.push_back({"bwrap", goodput::sandbox::make_sandbox("bwrap")});
  } catch (const std::exception& e) {
    std::printf("bwrap backend not usable: %s\n", e.what());
  }
  backends.push_back({"unsafe-none", goodput::sandbox::make_sandbox("unsafe-none")});
  for (const Backend& backend : backends) {
    std::printf("%-18s %s\n", backend.name.c_str(), backend.sandbox->isolation().describe().c_str());
  }
  overhead(backends, runs, "JSON->CSV converter, python3 -I main.py", {"-I"}, k_converter);
  overhead(backends, runs, "smallest script, python3 -I -S main.py", {"-I", "-S"}, "print(1)\n");
  battery(backends);
  return 0;
}
