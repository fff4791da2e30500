// SPDX-License-Identifier: MIT
// The threat model of sandboxes/README.md, one class of attack per test, through every backend:
// what the code under test must not see (goodput's files, other runs, the host's /tmp), must
// not leave behind, must not do to another run (of this goodput or of another goodput process
// at the same time), the quotas it must stay within, and the system calls it must not make.
// Each test asserts the outcome (contained, or the named limit) and that the next run works;
// unsafe-none, which promises none of the isolation, is held to what its report says instead.
#include "sandbox_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

namespace goodput::sandbox::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class IsolationTest : public BackendTest {
 protected:
  bool isolating() const { return GetParam() != "unsafe-none"; }

  // The next run after an attack works as usual.
  void expect_next_run_works() {
    const std::string marker = unique_marker();
    const Result again = run_contained(python_request("print('fine')", marker), marker);
    EXPECT_EQ(again.reason, EndReason::exited) << describe(again);
    EXPECT_EQ(again.stdout_text, "fine\n") << describe(again);
  }
};

// Everything a candidate looks for to forge a verdict or to read what it should not: the paths
// it is given (it may have learnt them from goodput's output or guessed them), every name on
// the visible file system and the contents of every small file outside /usr (the host's own
// programs), and /proc: every process's command line, environment, working directory and root.
// argv: needle, "walk" or "nowalk" (unsafe-none sees the whole host: too much to walk), paths.
constexpr const char* k_searcher = R"(
import os, sys
needle, walk, paths = sys.argv[1], sys.argv[2] == "walk", sys.argv[3:]
found = []
for path in paths:
    try:
        with open(path, "rb") as f:
            data = f.read()
            if needle.encode() in data:
                found.append("read " + path)
    except OSError:
        pass
    try:
        names = os.listdir(path)
        if any(needle in name for name in names):
            found.append("listed " + path)
    except OSError:
        pass
seen = 0
for root, dirs, files in (os.walk("/") if walk else []):
    if root in ("/proc", "/sys"):
        dirs[:] = []
        continue
    for name in dirs + files:
        seen += 1
        if needle in name:
            found.append("name " + os.path.join(root, name))
    if root.startswith("/usr"):
        continue
    for name in files:
        path = os.path.join(root, name)
        try:
            if os.path.isfile(path) and os.path.getsize(path) < 1 << 20:
                with open(path, "rb") as f:
                    if needle.encode() in f.read():
                        found.append("content " + path)
        except OSError:
            pass
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    for leaf in ("cmdline", "environ"):
        try:
            with open("/proc/%s/%s" % (pid, leaf), "rb") as f:
                if needle.encode() in f.read():
                    found.append("/proc/%s/%s" % (pid, leaf))
        except OSError:
            pass
    for leaf in ("cwd", "root", "root/tmp"):
        try:
            for name in os.listdir("/proc/%s/%s" % (pid, leaf)):
                if needle in name:
                    found.append("/proc/%s/%s/%s" % (pid, leaf, name))
        except OSError:
            pass
print("seen", seen)
for line in found:
    print("FOUND", line)
)";

TEST_P(IsolationTest, GoodputsFilesAndTheHostsAreNotVisible) {
  // What an attacker wants: the task file (to find the fixtures), the expected outputs, the
  // models file, the output directory with journals and results, and the host's /tmp, /dev/shm
  // and /var/tmp. The needle is in their names and contents.
  TestDir dir;
  const std::string needle = "gpsecret" + unique_marker();
  std::filesystem::create_directories(dir.path() + "/fixtures");
  std::filesystem::create_directories(dir.path() + "/out");
  const std::string shm = "/dev/shm/" + needle;
  const std::string var_tmp = "/var/tmp/" + needle;
  std::ofstream(shm) << needle;
  std::ofstream(var_tmp) << needle;
  std::vector<std::string> args = {isolating() ? "walk" : "nowalk",
                                   dir.write("task-" + needle + ".yaml", "prompt: " + needle + "\n"),
                                   dir.write("fixtures/flat.csv", "id,name\n1," + needle + "\n"),
                                   dir.write("models-" + needle + ".yaml", "api_key_env: " + needle + "\n"),
                                   dir.write("out/journal.jsonl", "{\"answer\": \"" + needle + "\"}\n"),
                                   dir.path() + "/fixtures", dir.path() + "/out", dir.path(),
                                   shm, var_tmp, "/tmp", "/dev/shm", "/var/tmp", "/root"};
  const std::string marker = unique_marker();
  // The needle and the paths reach the searcher through a file, so that the run's own command
  // line (and bubblewrap's, which holds it) has none of them.
  std::string argument_lines = needle;
  for (const std::string& arg : args) argument_lines += "\n" + arg;
  Request request = python_request(
      "import sys\nsys.argv = [sys.argv[0]] + open('args.txt').read().split('\\n')\n"
      "exec(compile(open('search.py').read(), 'search.py', 'exec'))\n",
      marker);
  request.files.push_back({"args.txt", argument_lines});
  request.files.push_back({"search.py", k_searcher});
  request.limits.wall_s = 60;
  request.limits.cpu_s = 60;
  const Result result = run_contained(request, marker);
  ::unlink(shm.c_str());
  ::unlink(var_tmp.c_str());
  ASSERT_EQ(result.reason, EndReason::exited) << describe(result);
  std::vector<std::string> leaks;
  std::istringstream lines(result.stdout_text);
  for (std::string line; std::getline(lines, line);) {
    // args.txt is the run's own file.
    if (line.rfind("FOUND ", 0) == 0 && line.find("args.txt") == std::string::npos) {
      leaks.push_back(line);
    }
  }
  if (isolating()) {
    EXPECT_THAT(result.stdout_text, HasSubstr("seen ")) << describe(result);
    EXPECT_TRUE(leaks.empty()) << leaks.size() << " leak(s), first: " << leaks.front();
  } else {
    std::cout << "[ CASE ] unsafe-none: the host is visible, " << leaks.size()
              << " of goodput's files were found, as its report says\n";
    EXPECT_FALSE(leaks.empty());
    EXPECT_THAT(isolation().describe(), HasSubstr("host file system visible (NOT isolated)"));
  }
  expect_next_run_works();
}

TEST_P(IsolationTest, PidOneCommandLineDoesNotRevealGoodputsArguments) {
  // The process backend's PID 1 is a fork of goodput: its command line is goodput's (task and
  // models file names). The test binary's own command line stands in for it here.
  const std::string marker = unique_marker();
  const Result result = run_contained(python_request(R"(
import os
for pid in sorted(os.listdir("/proc")):
    if pid.isdigit():
        try:
            print(pid, open("/proc/%s/cmdline" % pid, "rb").read().replace(b"\0", b" ").decode())
        except OSError as e:
            print(pid, "refused", e.errno)
)", marker), marker);
  ASSERT_EQ(result.reason, EndReason::exited) << describe(result);
  if (isolating()) {
    EXPECT_THAT(result.stdout_text, Not(HasSubstr("goodput_sandbox_tests"))) << describe(result);
  }
}

TEST_P(IsolationTest, AHostUnixSocketCannotBeReached) {
  TestDir dir;
  const std::string path = dir.path() + "/agent.sock";
  const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  ASSERT_GE(listener, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ::chmod(path.c_str(), 0777);
  ASSERT_EQ(::listen(listener, 4), 0);
  // And an abstract socket (no file at all): reachable from any process in the same network
  // namespace.
  const int abstract = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_un abstract_address{};
  abstract_address.sun_family = AF_UNIX;
  const std::string abstract_name = "goodput-test-" + unique_marker();
  std::memcpy(abstract_address.sun_path + 1, abstract_name.data(), abstract_name.size());
  const auto abstract_length =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + abstract_name.size());
  ASSERT_EQ(::bind(abstract, reinterpret_cast<sockaddr*>(&abstract_address), abstract_length), 0);
  ASSERT_EQ(::listen(abstract, 4), 0);

  const std::string marker = unique_marker();
  const Result result = run_contained(python_request(R"(
import socket, sys
for name, address in (("path", sys.argv[1]), ("abstract", "\0" + sys.argv[2])):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(address)
        print(name, "connected")
    except OSError as e:
        print(name, "refused", e.errno)
)", marker, {path, abstract_name}), marker);
  const int accepted = ::accept(listener, nullptr, nullptr);
  const int accepted_abstract = ::accept(abstract, nullptr, nullptr);
  for (const int fd : {accepted, accepted_abstract, listener, abstract}) {
    if (fd >= 0) ::close(fd);
  }
  ASSERT_EQ(result.reason, EndReason::exited) << describe(result);
  if (isolating()) {
    EXPECT_THAT(result.stdout_text, HasSubstr("path refused")) << describe(result);
    EXPECT_THAT(result.stdout_text, HasSubstr("abstract refused")) << describe(result);
    EXPECT_LT(accepted, 0);
    EXPECT_LT(accepted_abstract, 0);
  } else {
    std::cout << "[ CASE ] unsafe-none: " << result.stdout_text;
    EXPECT_FALSE(isolation().network_namespace);
  }
}

TEST_P(IsolationTest, NothingWrittenAnywhereIsLeftOnTheHost) {
  // The code writes a file into every directory it can write to, then the test looks for them
  // on the host.
  const std::string needle = "gpleft" + unique_marker();
  const std::string marker = unique_marker();
  Request request = python_request(R"(
import os, sys
needle = sys.argv[1]
written = []
candidates = ["/tmp", "/var/tmp", "/dev/shm", "/run", "/run/lock", "/", "/etc", "/usr",
              "/usr/local", os.getcwd(), os.environ.get("HOME", ".")]
for root, dirs, files in (os.walk("/") if sys.argv[2] == "walk" else []):
    if root.startswith("/proc") or root.startswith("/sys"):
        dirs[:] = []
        continue
    candidates.append(root)
for directory in candidates:
    path = os.path.join(directory, needle)
    try:
        with open(path, "w") as f:
            f.write(needle)
        written.append(directory)
    except OSError:
        pass
print("wrote in", len(written), "directories:", " ".join(sorted(set(written))[:20]))
)", marker, {needle, isolating() ? "walk" : "nowalk"});
  request.limits.wall_s = 60;
  request.limits.cpu_s = 60;
  const Result result = run_contained(request, marker);
  ASSERT_EQ(result.reason, EndReason::exited) << describe(result);
  const auto left = work_directories_of(needle);
  std::vector<std::string> elsewhere;
  for (const char* dir : {"/", "/etc", "/usr", "/usr/local", "/root"}) {
    if (::access((std::string(dir) + "/" + needle).c_str(), F_OK) == 0) elsewhere.emplace_back(dir);
  }
  if (isolating()) {
    EXPECT_TRUE(left.empty()) << "left on the host in " << left.front() << "\n" << describe(result);
    EXPECT_TRUE(elsewhere.empty()) << "left on the host in " << elsewhere.front();
    // It could write: /work and the private /tmp at least.
    EXPECT_THAT(result.stdout_text, HasSubstr("/tmp")) << describe(result);
  } else {
    std::cout << "[ CASE ] unsafe-none: " << result.stdout_text;
    for (const auto& directory : left) {
      std::error_code ec;
      std::filesystem::remove(directory / needle, ec);
    }
  }
  expect_next_run_works();
}

TEST_P(IsolationTest, RunsOfTwoGoodputProcessesCannotSeeOrTouchEachOther) {
  // The victim runs in a second process (another goodput: a parallel shard, another CI job),
  // keeps files in its work directory, /tmp and /dev/shm and checks them for three seconds.
  // Meanwhile the attacker, in this process, looks for them everywhere, signals every process
  // it can name, and writes wherever it can.
  const std::string needle = "gpvictim" + unique_marker();
  const std::string victim_marker = unique_marker();
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t victim_process = ::fork();
  ASSERT_GE(victim_process, 0);
  if (victim_process == 0) {
    ::close(report[0]);
    Request victim = python_request(R"(
import os, sys, time
needle = sys.argv[1]
places = ["/tmp/" + needle, "/dev/shm/" + needle, needle]
for p in places:
    with open(p, "w") as f:
        f.write(needle)
time.sleep(0.2)
print("ready", flush=True)
ok = True
deadline = time.time() + 3
while time.time() < deadline:
    for p in places:
        try:
            if open(p).read() != needle:
                ok = False
        except OSError:
            ok = False
    time.sleep(0.05)
print("intact" if ok else "TAMPERED")
)", victim_marker, {needle});
    victim.limits.wall_s = 20;
    std::string why_not;
    const auto box = make_backend(GetParam(), &why_not);
    const Result result = box->run(victim);
    const std::string line = std::string(to_string(result.reason)) + " " +
                             std::to_string(result.exit_code) + " " + std::to_string(result.uid) +
                             " " + result.stdout_text;
    (void)!::write(report[1], line.data(), line.size());
    ::_exit(0);
  }
  ::close(report[1]);
  ::usleep(400'000);  // the victim is up

  const std::string marker = unique_marker();
  Request attack = python_request(R"(
import os, signal, sys, time
needle = sys.argv[1]
found = []
deadline = time.time() + 2.5
signalled = 0
def look(directory):
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if needle in name:
            found.append(os.path.join(directory, name))
            try:
                with open(os.path.join(directory, name), "w") as f:
                    f.write("tampered")
            except OSError:
                pass
while time.time() < deadline:
    for root, dirs, files in os.walk("/") if sys.argv[2] == "walk" else []:
        if root in ("/proc", "/sys", "/usr") or time.time() > deadline:
            dirs[:] = []
            continue
        look(root)
    for place in ("/tmp", "/dev/shm", "/var/tmp", "/run"):
        look(place)
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            for leaf in ("cwd", "root/tmp", "root/dev/shm"):
                look("/proc/%s/%s" % (pid, leaf))
    for pid in range(2, 5000):
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, signal.SIGKILL)
            signalled += 1
        except OSError:
            pass
print("found", len(found), found[:5])
print("signalled", signalled)
print("uid", os.getuid())
)", marker, {needle, isolating() ? "walk" : "nowalk"});
  attack.limits.wall_s = 20;
  attack.limits.cpu_s = 20;
  const Result attacker = run_contained(attack, marker);

  std::string victim_line;
  char buf[4096];
  for (ssize_t n; (n = ::read(report[0], buf, sizeof buf)) > 0;) victim_line.append(buf, static_cast<std::size_t>(n));
  ::close(report[0]);
  int status = 0;
  ::waitpid(victim_process, &status, 0);
  ::unlink(("/tmp/" + needle).c_str());
  ::unlink(("/dev/shm/" + needle).c_str());

  if (isolating()) {
    EXPECT_THAT(victim_line, HasSubstr("exited 0")) << victim_line;
    EXPECT_THAT(victim_line, HasSubstr("intact")) << victim_line;
    EXPECT_THAT(attacker.stdout_text, HasSubstr("found 0 ")) << describe(attacker);
    if (::geteuid() == 0) {
      // Each run its own uid on the host, whichever goodput process started it.
      std::istringstream fields(victim_line);
      std::string reason, code;
      long long victim_uid = -1;
      fields >> reason >> code >> victim_uid;
      EXPECT_NE(victim_uid, attacker.uid);
      EXPECT_GE(attacker.uid, 1879048192LL);
      EXPECT_GE(victim_uid, 1879048192LL);
    }
  } else {
    std::cout << "[ CASE ] unsafe-none: victim " << victim_line << "; attacker " << attacker.stdout_text;
    // With a uid of its own per run (root), even unsafe-none keeps signals apart.
    if (::geteuid() == 0) {
      EXPECT_THAT(victim_line, HasSubstr("exited 0")) << victim_line;
    }
  }
  expect_next_run_works();
}

TEST_P(IsolationTest, ConcurrentRunsHaveDistinctUids) {
  if (::geteuid() != 0) GTEST_SKIP() << "a uid per run needs root";
  constexpr int k_runs = 3;
  std::vector<Result> results(k_runs);
  std::vector<std::thread> threads;
  for (int i = 0; i < k_runs; ++i) {
    threads.emplace_back([&, i] {
      const std::string marker = unique_marker();
      results[static_cast<std::size_t>(i)] =
          sandbox().run(python_request("import time\ntime.sleep(0.5)\n", marker));
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<long long> uids;
  for (const Result& result : results) {
    EXPECT_EQ(result.reason, EndReason::exited) << describe(result);
    uids.insert(result.uid);
  }
  EXPECT_EQ(uids.size(), static_cast<std::size_t>(k_runs));
}

TEST_P(IsolationTest, ScratchSpaceIsBoundedByItsQuota) {
  const std::string marker = unique_marker();
  Request request = python_request(R"(
import os
chunk = b"x" * (1 << 20)
total = 0
for place in ("/dev/shm", "/tmp", "/var/tmp", "/run", ".", "/"):
    n = 0
    try:
        with open(os.path.join(place, "fill" + place.replace("/", "-")), "wb") as f:
            for _ in range(64):
                f.write(chunk)
                f.flush()
                n += 1
    except OSError as e:
        pass
    total += n
    print(place, n)
print("total", total)
)", marker);
  request.limits.scratch_bytes = 8ull << 20;
  request.limits.file_size_bytes = 128ull << 20;
  const Result result = run_contained(request, marker);
  ASSERT_EQ(result.reason, EndReason::exited) << describe(result);
  if (!isolating()) {
    EXPECT_THAT(isolation().scratch, HasSubstr("NO quota"));
    // Do not leave 64 MB files around on the host: the work directory is removed anyway.
    return;
  }
  std::istringstream lines(result.stdout_text);
  long long total = -1;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("total ", 0) == 0) total = std::stoll(line.substr(6));
    if (line.rfind("/ ", 0) == 0) {
      EXPECT_EQ(line, "/ 0") << "the root is writable";
    }
  }
  // The process backend shares one 8 MB tmpfs between all of them; bwrap has one per place.
  const long long places = GetParam() == "bwrap" ? 4 : 1;
  EXPECT_GE(total, 4) << describe(result);
  EXPECT_LE(total, places * 8) << describe(result);
  expect_next_run_works();
}

TEST_P(IsolationTest, FillingTheScratchSpaceIsNamedAsSuch) {
  if (!isolating()) GTEST_SKIP() << "unsafe-none has no scratch quota";
  const std::string marker = unique_marker();
  Request request = python_request(R"(
with open("/dev/shm/big", "wb") as f:
    for _ in range(3 * 1024):
        f.write(b"x" * (1 << 20))
)", marker);
  request.limits.scratch_bytes = 8ull << 20;
  request.limits.file_size_bytes = 4ull << 30;
  const Result result = run_contained(request, marker);
  EXPECT_EQ(result.reason, EndReason::scratch_limit) << describe(result);
  EXPECT_LT(result.wall_s, 5.0) << describe(result);
}

TEST_P(IsolationTest, MemfdsCountAgainstTheMemoryLimit) {
  const std::string marker = unique_marker();
  Request request = python_request(R"(
import os
try:
    fd = os.memfd_create("hoard")
except OSError as e:
    print("memfd refused", e.errno, flush=True)
    raise SystemExit(0)
chunk = b"m" * (16 << 20)
for i in range(60):
    os.write(fd, chunk)
    print("held", (i + 1) * 16, flush=True)
print("held all 960 MB", flush=True)
)", marker);
  request.limits.memory_bytes = 256ull << 20;
  request.limits.address_space_bytes = 2ull << 30;
  request.limits.file_size_bytes = 2ull << 30;  // RLIMIT_FSIZE bounds memfd writes too
  const Result result = run_contained(request, marker);
  EXPECT_THAT(result.stdout_text, Not(HasSubstr("held all"))) << describe(result);
  long long held = 0;
  std::istringstream lines(result.stdout_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("held ", 0) == 0) held = std::stoll(line.substr(5));
  }
  EXPECT_LE(held, 256) << describe(result);
  if (isolation().memory.rfind("cgroup", 0) == 0) {
    EXPECT_EQ(result.reason, EndReason::memory_limit) << describe(result);
    EXPECT_LE(result.memory_peak_bytes, (256ull + 16) << 20);
  } else {
    EXPECT_THAT(result.stdout_text, HasSubstr("memfd refused")) << describe(result);
  }
  expect_next_run_works();
}

TEST_P(IsolationTest, TheMemoryLimitCoversTheWholeProcessTree) {
  if (make_sandbox(GetParam())->isolation().memory.rfind("cgroup", 0) != 0) {
    GTEST_SKIP() << "no memory cgroup on this machine: " << isolation().memory;
  }
  // Four processes of 120 MB each stay under the 256 MB address-space limit one by one, not
  // under the run's 256 MB together.
  const std::string marker = unique_marker();
  Request request = python_request(R"(
import os, time
pids = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        block = bytearray(120 << 20)
        for i in range(0, len(block), 4096):
            block[i] = 1
        time.sleep(3)
        os._exit(0)
    pids.append(pid)
for pid in pids:
    os.waitpid(pid, 0)
print("all four held 120 MB")
)", marker);
  request.limits.memory_bytes = 256ull << 20;
  request.limits.address_space_bytes = 256ull << 20;
  const Result result = run_contained(request, marker);
  EXPECT_EQ(result.reason, EndReason::memory_limit) << describe(result);
}

TEST_P(IsolationTest, DangerousSystemCallsAreRefused) {
  const std::string marker = unique_marker();
  const Result result = run_contained(python_request(R"(
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def call(name, nr, *args):
    r = libc.syscall(nr, *[ctypes.c_long(a) for a in args])
    e = ctypes.get_errno()
    if r == 0 and name.startswith("clone"):
        os._exit(0)  # a child made it: leave at once
    print(name, "ok" if r >= 0 else "errno %d" % e, flush=True)
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET, SIGCHLD = 0x10000000, 0x20000, 0x40000000, 17
call("ptrace-attach-1", 101, 16, 1, 0, 0)       # PTRACE_ATTACH to PID 1
call("ptrace-attach-parent", 101, 16, os.getppid(), 0, 0)
call("ptrace-traceme", 101, 0, 0, 0, 0)
call("unshare-user", 272, CLONE_NEWUSER)
call("unshare-mount", 272, CLONE_NEWNS)
call("unshare-net", 272, CLONE_NEWNET)
call("clone-newuser", 56, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)
call("clone3", 435, 0, 0)
call("mount-tmpfs", 165, 0, 0, 0, 0, 0)
call("keyctl", 250, 0, 0, 0, 0, 0)
call("add_key", 248, 0, 0, 0, 0, 0)
call("bpf", 321, 0, 0, 0)
call("perf_event_open", 298, 0, 0, -1, -1, 0)
call("io_uring_setup", 425, 8, 0)
call("userfaultfd", 323, 0)
call("chroot", 161, 0)
call("pivot_root", 155, 0, 0)
call("process_vm_readv", 310, 1, 0, 0, 0, 0, 0)
call("kexec_load", 246, 0, 0, 0, 0)
call("init_module", 175, 0, 0, 0)
print("still running", flush=True)
)", marker), marker);
  ASSERT_EQ(result.reason, EndReason::exited) << describe(result);
  EXPECT_THAT(result.stdout_text, HasSubstr("still running")) << describe(result);
  for (const std::string name :
       {"ptrace-attach-1", "ptrace-attach-parent", "ptrace-traceme", "unshare-user",
        "unshare-mount", "unshare-net", "clone-newuser", "mount-tmpfs", "keyctl", "add_key", "bpf",
        "perf_event_open", "io_uring_setup", "userfaultfd", "chroot", "pivot_root",
        "process_vm_readv", "kexec_load", "init_module"}) {
    EXPECT_THAT(result.stdout_text, HasSubstr(name + " errno 1\n")) << name << "\n" << describe(result);
  }
  EXPECT_THAT(result.stdout_text, HasSubstr("clone3 errno 38\n")) << describe(result);  // ENOSYS
  expect_next_run_works();
}

TEST_P(IsolationTest, SystemCallsOfAnotherAbiKillTheProcess) {
  // x32 numbers (bit 30 set) would slip past a filter that only knows the native ones.
  const std::string marker = unique_marker();
  const Result result = run_contained(python_request(R"(
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print("before", flush=True)
libc.syscall(ctypes.c_long(0x40000000 | 272), ctypes.c_long(0x10000000))  # x32 unshare
print("after", flush=True)
)", marker), marker);
  EXPECT_THAT(result.stdout_text, HasSubstr("before"));
  EXPECT_THAT(result.stdout_text, Not(HasSubstr("after"))) << describe(result);
  EXPECT_EQ(result.reason, EndReason::signalled) << describe(result);
  EXPECT_EQ(result.term_signal, SIGSYS) << describe(result);
  expect_next_run_works();
}

TEST_P(IsolationTest, ACommandThatImitatesTheSandboxFailingStillRan) {
  // bwrap's own failures start with "bwrap: " on stderr and exit 1; a command that prints the
  // same must still be a command that ran (its failure is its own, never the sandbox's).
  const std::string marker = unique_marker();
  const Result result = run_contained(python_request(R"(
import sys
sys.stderr.write("bwrap: Can't find source path /nonexistent: No such file or directory\n")
sys.exit(1)
)", marker), marker);
  EXPECT_EQ(result.reason, EndReason::exited) << describe(result);
  EXPECT_EQ(result.exit_code, 1) << describe(result);
  EXPECT_TRUE(result.error.empty()) << describe(result);
}

INSTANTIATE_TEST_SUITE_P(Backends, IsolationTest, ::testing::ValuesIn(k_backends), backend_name);

}  // namespace
}  // namespace goodput::sandbox::testing
