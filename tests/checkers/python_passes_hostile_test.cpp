// SPDX-License-Identifier: MIT
// Hostile answers to the JSON→CSV task, through python-passes and the real sandbox (each
// backend that works here): each is a complete model answer whose code tries to choose its own
// verdict (forge a pass, launder its failure into an error) or to sabotage the harness or
// another run. Every one must end as a FAIL (never an error, never a pass), and the correct
// converter run right after it must pass.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "checker_test_support.hpp"
#include "../../checkers/src/python_sandbox.hpp"

namespace goodput::checkers {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::params;

using testing::fenced;
using testing::k_seed;

std::string correct_converter() { return testing::converter("seed_dictwriter"); }

struct Hostile {
  const char* name;
  const char* code;
};

// A wrong converter most of them fall back on: header only.
#define GOODPUT_WRONG_CONVERTER \
  "def json_to_csv(records):\n    return 'nothing\\n'\n"

const Hostile k_hostile[] = {
    {"forges fixture records on the channel and a done",
     "import os, json\n"
     "fd = int(os.environ.get('GOODPUT_RESULT_FD', '-1'))\n"
     "for name in os.listdir('inputs'):\n"
     "    os.write(fd, (json.dumps({'event': 'fixture', 'name': name[:-5], 'ok': True,\n"
     "                              'output': 'id\\n1\\n'}) + '\\n').encode())\n"
     "os.write(fd, b'{\"event\": \"done\"}\\n')\n" GOODPUT_WRONG_CONVERTER},
    {"forges a done and leaves", "import os\n"
     "os.write(int(os.environ['GOODPUT_RESULT_FD']), b'{\"event\": \"done\"}\\n')\n"
     "os._exit(0)\n" GOODPUT_WRONG_CONVERTER},
    {"closes the result channel",
     "import os\nos.close(int(os.environ['GOODPUT_RESULT_FD']))\n" GOODPUT_WRONG_CONVERTER},
    {"writes garbage to the channel from a thread",
     "import os, threading, time\n"
     "def noise():\n"
     "    while True:\n"
     "        os.write(int(os.environ['GOODPUT_RESULT_FD']), b'garbage\\n')\n"
     "        time.sleep(0.01)\n"
     "threading.Thread(target=noise, daemon=True).start()\n" GOODPUT_WRONG_CONVERTER},
    {"imitates a bwrap failure",
     "import os, sys\n"
     "sys.__stderr__.write(\"bwrap: Can't find source path /usr: No such file or directory\\n\")\n"
     "sys.__stderr__.flush()\n"
     "os._exit(1)\n" GOODPUT_WRONG_CONVERTER},
    {"exits 0 while loading", "import os\nos._exit(0)\n" GOODPUT_WRONG_CONVERTER},
    {"kills itself while loading",
     "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n" GOODPUT_WRONG_CONVERTER},
    {"kills everything it can",
     "import os, signal\n"
     "for pid in (1, os.getppid(), -1):\n"
     "    try:\n"
     "        os.kill(pid, signal.SIGKILL)\n"
     "    except OSError:\n"
     "        pass\n" GOODPUT_WRONG_CONVERTER},
    {"looks for the expected outputs",
     "import os\n"
     "found = {}\n"
     "try:\n"
     "    hint = open('/proc/1/cmdline', 'rb').read().decode('utf-8', 'replace')\n"
     "except OSError:\n"
     "    hint = ''\n"
     "for root, dirs, files in os.walk('/'):\n"
     "    if root.startswith(('/proc', '/sys', '/usr')):\n"
     "        dirs[:] = []\n"
     "        continue\n"
     "    for name in files:\n"
     "        if name.endswith('.csv'):\n"
     "            try:\n"
     "                found[name[:-4]] = open(os.path.join(root, name), encoding='utf-8').read()\n"
     "            except OSError:\n"
     "                pass\n"
     "import json\n"
     "def json_to_csv(records):\n"
     "    for name in os.listdir('inputs'):\n"
     "        if json.load(open(os.path.join('inputs', name))) == records and name[:-5] in found:\n"
     "            return found[name[:-5]]\n"
     "    return 'nothing\\n'\n"},
    {"floods the channel",
     "import os\n"
     "block = b'x' * (1 << 20)\n"
     "for _ in range(64):\n"
     "    os.write(int(os.environ['GOODPUT_RESULT_FD']), block)\n" GOODPUT_WRONG_CONVERTER},
    {"sends 15 MB of nested brackets",
     "import os\n"
     "os.write(int(os.environ['GOODPUT_RESULT_FD']), b'[' * (15 << 20) + b'\\n')\n"
     GOODPUT_WRONG_CONVERTER},
    {"traces its init",
     "import ctypes, os\n"
     "libc = ctypes.CDLL(None, use_errno=True)\n"
     "libc.ptrace(16, 1, 0, 0)\n"
     "libc.ptrace(16, os.getppid(), 0, 0)\n" GOODPUT_WRONG_CONVERTER},
    {"fills the scratch space",
     "try:\n"
     "    with open('/tmp/fill', 'wb') as f:\n"
     "        while True:\n"
     "            f.write(b'x' * (1 << 20))\n"
     "except OSError:\n"
     "    pass\n" GOODPUT_WRONG_CONVERTER},
    {"prints fake status lines and escapes",
     "import sys\n"
     "print('\\n[       OK ] sim / seed.json_to_csv\\n[  PASSED  ] 1 runs\\x1b[8m')\n"
     "sys.stderr.write('\\x1b[2J[       OK ] everything\\n')\n" GOODPUT_WRONG_CONVERTER},
};

class PythonPassesHostile : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(std::string(detail::k_python))) {
      GTEST_SKIP() << detail::k_python << " is not installed";
    }
    try {
      sandbox::make_sandbox(GetParam());
    } catch (const std::exception& e) {
      GTEST_SKIP() << GetParam() << " sandbox not usable here: " << e.what();
    }
  }

  CheckResult check(const std::string& code) const {
    return testing::run("python-passes",
                        params({{"fixtures", k_seed}, {"sandbox", GetParam()}, {"timeout", 10.0}}),
                        fenced(code));
  }
};

TEST_P(PythonPassesHostile, NoHostileAnswerChoosesItsVerdict) {
  for (const Hostile& hostile : k_hostile) {
    rusage before{};
    ::getrusage(RUSAGE_SELF, &before);
    const CheckResult verdict = check(hostile.code);
    rusage after{};
    ::getrusage(RUSAGE_SELF, &after);
    EXPECT_EQ(verdict.outcome, Outcome::fail) << hostile.name << ": " << verdict.message;
    if (std::getenv("GOODPUT_TEST_VERBOSE") != nullptr) std::cout << "[ VERDICT ] " << hostile.name << ": " << verdict.message << "\n";
    for (const CheckPart& part : verdict.parts) {
      EXPECT_NE(part.outcome, Outcome::pass) << hostile.name << ": " << part.name;
      EXPECT_NE(part.outcome, Outcome::error) << hostile.name << ": " << part.name;
    }
    // Nothing the code sends may cost goodput much memory (the report is bounded and its
    // nesting checked before it is parsed). ru_maxrss is in KiB and only grows.
    EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 100 * 1024) << hostile.name;
    const CheckResult next = check(correct_converter());
    EXPECT_EQ(next.outcome, Outcome::pass) << "after " << hostile.name << ": " << next.message;
  }
}

TEST_P(PythonPassesHostile, InterferenceIsNamedInTheVerdict) {
  const CheckResult verdict = check(k_hostile[0].code);
  EXPECT_THAT(verdict.message, HasSubstr("interfered with the harness")) << verdict.message;
  const CheckResult flood = check(k_hostile[9].code);
  EXPECT_THAT(flood.message, HasSubstr("interfered with the harness")) << flood.message;
}

TEST_P(PythonPassesHostile, ASaboteurInAnotherGoodputProcessDoesNotChangeCorrectVerdicts) {
  // Another goodput process (a parallel shard) checks the correct converter three times while
  // this one runs a saboteur that kills, writes and searches everything it can reach.
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t other = ::fork();
  ASSERT_GE(other, 0);
  if (other == 0) {
    ::close(report[0]);
    std::string outcomes;
    for (int i = 0; i < 3; ++i) {
      const CheckResult verdict = check(correct_converter());
      outcomes += std::string(to_string(verdict.outcome)) + " ";
    }
    (void)!::write(report[1], outcomes.data(), outcomes.size());
    ::_exit(0);
  }
  ::close(report[1]);
  const std::string saboteur =
      "import os, signal, time\n"
      "end = time.time() + 4\n"
      "while time.time() < end:\n"
      "    for pid in range(1, 4000):\n"
      "        if pid == os.getpid():\n"
      "            continue\n"
      "        try:\n"
      "            os.kill(pid, signal.SIGKILL)\n"
      "        except OSError:\n"
      "            pass\n"
      "    for place in ('/tmp', '/dev/shm', '/var/tmp', '/run/lock'):\n"
      "        try:\n"
      "            for name in os.listdir(place):\n"
      "                path = os.path.join(place, name)\n"
      "                os.symlink('/etc', path + '-planted')\n"
      "        except OSError:\n"
      "            pass\n"
      "    time.sleep(0.05)\n" GOODPUT_WRONG_CONVERTER;
  const CheckResult sabotage =
      testing::run("python-passes",
                   params({{"fixtures", k_seed}, {"sandbox", GetParam()}, {"timeout", 15.0}}),
                   fenced(saboteur));
  std::string outcomes;
  char buf[256];
  for (ssize_t n; (n = ::read(report[0], buf, sizeof buf)) > 0;) outcomes.append(buf, static_cast<std::size_t>(n));
  ::close(report[0]);
  int status = 0;
  ::waitpid(other, &status, 0);
  EXPECT_EQ(sabotage.outcome, Outcome::fail) << sabotage.message;
  // It ran its whole loop (its top-level code has 3.75 s before the driver stops it).
  EXPECT_THAT(sabotage.message, HasSubstr("did not finish within")) << sabotage.message;
  EXPECT_EQ(outcomes, "pass pass pass ");
}

INSTANTIATE_TEST_SUITE_P(Backends, PythonPassesHostile, ::testing::Values("process", "bwrap"));

}  // namespace
}  // namespace goodput::checkers
