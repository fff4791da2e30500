// SPDX-License-Identifier: MIT
// The parent side of a sandboxed run: the plan for the child (child_init.hpp), one clone3 with
// a pidfd, pipes made with pipe2(O_CLOEXEC) (so concurrent runs never inherit each other's
// pipes), a poll(2) loop over the outputs, the result channel, the status pipe and the pidfd,
// the wall-clock deadline and the output caps, and wait4(2) because the CPU time of the whole
// tree only comes with the rusage of the child's exit. No process library: the run needs its
// namespaces at clone time and a vfork-style start of the command (child_init.hpp says why),
// which none offers.
#include "launch.hpp"

#include "child_init.hpp"
#include "private_root.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <system_error>
#include <sys/mman.h>
#include <vector>


namespace goodput::sandbox::detail {
namespace {

using Clock = std::chrono::steady_clock;

// After SIGTERM to the supervisor (which then SIGKILLs the tree), how long before goodput
// SIGKILLs everything it knows of itself. The supervisor normally answers within milliseconds.
constexpr auto k_kill_escalation = std::chrono::seconds(1);
// After the supervisor is gone, how long the pipes may take to reach end-of-file. Everything
// that held them is dead by then, so this is only waited for when something escaped.
constexpr auto k_drain_grace = std::chrono::milliseconds(500);
constexpr std::size_t k_tail_bytes = 4096;
constexpr std::size_t k_read_chunk = 64 * 1024;
// Bytes read from one pipe per poll round, so a flood cannot delay the deadline check.
constexpr std::size_t k_read_per_round = 1 << 20;

void fill_rlimits(ChildPlan& plan, const LaunchPlan& launch_plan) {
  const Limits& limits = launch_plan.limits;
  auto add = [&plan](int resource, rlim_t soft, rlim_t hard) {
    plan.rlimits[plan.rlimit_count++] = ChildRlimit{resource, soft, hard};
  };
  // RLIMIT_CPU counts whole seconds: round up, and keep the hard limit one second above so
  // the command first gets SIGXCPU (which names the cause) and SIGKILL only if it ignores it.
  const auto cpu = static_cast<rlim_t>(std::max(1.0, std::ceil(limits.cpu_s)));
  add(RLIMIT_CPU, cpu, cpu + 1);
  add(RLIMIT_AS, limits.address_space_bytes, limits.address_space_bytes);
  const auto processes =
      static_cast<rlim_t>(std::max(1, limits.processes + launch_plan.extra_processes));
  add(RLIMIT_NPROC, processes, processes);
  add(RLIMIT_FSIZE, limits.file_size_bytes, limits.file_size_bytes);
  const auto files = static_cast<rlim_t>(std::max(limits.open_files, 8));
  add(RLIMIT_NOFILE, files, files);
  add(RLIMIT_CORE, 0, 0);
}

std::string error_text(int error) { return std::generic_category().message(error); }

std::string describe_setup_failure(const StatusRecord& record, const LaunchPlan& plan) {
  const auto stage = static_cast<SetupStage>(record.a);
  std::string text = std::string("sandbox setup failed at ") + stage_name(stage);
  if (stage == SetupStage::setup_step) {
    const auto list = static_cast<std::size_t>(record.c >> 16);
    const auto index = static_cast<std::size_t>(record.c & 0xFFFF);
    if (list < plan.scripts.size()) text += " (" + plan.scripts[list]->describe(index) + ")";
  }
  return text + ": " + error_text(record.b);
}

struct Stream {
  Fd fd;
  std::size_t cap = 0;
  std::string text;
  std::string tail;
  bool keep_tail = false;
  bool truncated = false;
  bool kills_on_overflow = true;  // past the cap the run is killed (output_limit)

  bool open() const { return fd.get() >= 0; }
};

// stdout, stderr, the result channel and bubblewrap's status, in that order.
enum StreamIndex { k_stdout = 0, k_stderr, k_channel, k_bwrap_status, k_stream_count };

// bubblewrap's status documents are a few hundred bytes; more is not bubblewrap.
constexpr std::size_t k_bwrap_status_cap = 64 * 1024;

class Supervision {
 public:
  // `child` is init (with a pid namespace) or the supervisor; `pidfd` refers to it.
  Supervision(const LaunchPlan& plan, pid_t child, Fd pidfd, Clock::time_point start,
              Stream (&streams)[k_stream_count], Fd status)
      : m_plan(plan), m_supervisor(child), m_start(start), m_status(std::move(status)),
        m_pidfd(std::move(pidfd)), m_namespaces(plan.pid_namespace()) {
    for (int i = 0; i < k_stream_count; ++i) m_streams[i] = std::move(streams[i]);
  }

  void run(LaunchOutcome& outcome) {
    constexpr double k_longest_wall_s = 1e7;  // keeps the duration arithmetic finite
    const auto wall = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
        std::clamp(m_plan.limits.wall_s, 0.0, k_longest_wall_s)));
    const Clock::time_point deadline = m_start + wall;
    rusage usage{};
    int supervisor_status = 0;
    bool reaped = false;
    Clock::time_point end = m_start;

    while (!reaped) {
      const Clock::time_point now = Clock::now();
      if (m_cause == KillCause::none && now >= deadline) {
        m_cause = KillCause::timeout;
        kill_tree(now);
      }
      if (m_kill_level == 1 && now >= m_killed_at + k_kill_escalation) escalate();

      Clock::time_point wake = Clock::time_point::max();
      if (m_cause == KillCause::none) wake = deadline;
      if (m_kill_level == 1) wake = std::min(wake, m_killed_at + k_kill_escalation);
      int timeout_ms = -1;
      if (wake != Clock::time_point::max()) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(wake - now).count();
        timeout_ms = static_cast<int>(std::clamp<long long>(left, 0, 60'000));
      }
      if (m_pidfd.get() < 0) timeout_ms = timeout_ms < 0 ? 10 : std::min(timeout_ms, 10);

      pollfd fds[k_stream_count + 2];
      int kinds[k_stream_count + 2];
      nfds_t count = 0;
      add_polled(fds, kinds, count);
      const nfds_t pidfd_index = count;
      if (m_pidfd.get() >= 0) {
        kinds[count] = -2;
        fds[count++] = pollfd{m_pidfd.get(), POLLIN, 0};
      }

      const int ready = ::poll(fds, count, timeout_ms);
      if (ready < 0 && errno != EINTR) {
        // Cannot happen with valid descriptors (ENOMEM at worst): never leave the loop without
        // reaping, just poll the supervisor's status instead.
        ::usleep(10'000);
        m_pidfd.reset();
        continue;
      }
      if (ready > 0) handle_ready(fds, kinds, count);
      const bool pidfd_ready = m_pidfd.get() >= 0 && pidfd_index < count &&
                               fds[pidfd_index].revents != 0 && ready > 0;
      if (pidfd_ready || m_pidfd.get() < 0) {
        const pid_t pid = ::wait4(m_supervisor, &supervisor_status, WNOHANG | __WALL, &usage);
        if (pid == m_supervisor || (pid < 0 && errno == ECHILD)) {
          reaped = true;
          end = Clock::now();
        }
      }
    }
    drain();

    outcome.supervisor_status = supervisor_status;
    outcome.cause = m_cause;
    outcome.wait_status = m_wait_status;
    outcome.run_uid = m_run_uid;
    if (outcome.start_error.empty()) outcome.start_error = m_start_error;
    outcome.stdout_text = std::move(m_streams[k_stdout].text);
    outcome.stderr_text = std::move(m_streams[k_stderr].text);
    outcome.stderr_tail = std::move(m_streams[k_stderr].tail);
    outcome.channel_text = std::move(m_streams[k_channel].text);
    outcome.bwrap_status_text = std::move(m_streams[k_bwrap_status].text);
    outcome.stdout_truncated = m_streams[k_stdout].truncated;
    outcome.stderr_truncated = m_streams[k_stderr].truncated;
    outcome.channel_truncated = m_streams[k_channel].truncated;
    outcome.wall_s = std::chrono::duration<double>(end - m_start).count();
    outcome.cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                    static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    outcome.escaped = m_streams[k_stdout].open() || m_streams[k_stderr].open() ||
                      m_streams[k_channel].open();
  }

 private:
  void add_polled(pollfd* fds, int* kinds, nfds_t& count) const {
    for (int i = 0; i < k_stream_count; ++i) {
      if (!m_streams[i].open()) continue;
      kinds[count] = i;
      fds[count++] = pollfd{m_streams[i].fd.get(), POLLIN, 0};
    }
    if (m_status.get() >= 0) {
      kinds[count] = -1;
      fds[count++] = pollfd{m_status.get(), POLLIN, 0};
    }
  }

  void handle_ready(const pollfd* fds, const int* kinds, nfds_t count) {
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      if (kinds[i] >= 0) read_stream(m_streams[kinds[i]]);
      if (kinds[i] == -1 && m_status.get() >= 0) read_status();
    }
  }

  void read_stream(Stream& stream) {
    char buf[k_read_chunk];
    std::size_t this_round = 0;
    while (this_round < k_read_per_round) {
      const ssize_t n = ::read(stream.fd.get(), buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN) stream.fd.reset();
        return;
      }
      if (n == 0) {
        stream.fd.reset();
        return;
      }
      this_round += static_cast<std::size_t>(n);
      take(stream, buf, static_cast<std::size_t>(n));
    }
  }

  void take(Stream& stream, const char* data, std::size_t n) {
    const std::size_t room = stream.text.size() < stream.cap ? stream.cap - stream.text.size() : 0;
    stream.text.append(data, std::min(n, room));
    if (n > room) stream.truncated = true;
    if (stream.keep_tail) {
      stream.tail.append(data, n);
      if (stream.tail.size() > 2 * k_tail_bytes) {
        stream.tail.erase(0, stream.tail.size() - k_tail_bytes);
      }
    }
    if (stream.truncated && stream.kills_on_overflow && m_cause == KillCause::none) {
      m_cause = KillCause::output;
      kill_tree(Clock::now());
    }
  }

  void read_status() {
    char buf[sizeof(StatusRecord) * 16];
    for (;;) {
      const ssize_t n = ::read(m_status.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (n == 0 || errno != EAGAIN) m_status.reset();
        return;
      }
      m_status_bytes.append(buf, static_cast<std::size_t>(n));
      while (m_status_bytes.size() >= sizeof(StatusRecord)) {
        StatusRecord record;
        std::memcpy(&record, m_status_bytes.data(), sizeof record);
        m_status_bytes.erase(0, sizeof record);
        handle_record(record);
      }
    }
  }

  void handle_record(const StatusRecord& record) {
    switch (record.kind) {
      case k_record_started: m_started_pid = record.a; break;  // the command (no namespaces)
      case k_record_exit: m_wait_status = record.a; break;
      case k_record_run_uid: m_run_uid = static_cast<std::uint32_t>(record.a); break;
      case k_record_setup_failed:
        if (m_start_error.empty()) m_start_error = describe_setup_failure(record, m_plan);
        break;
      case k_record_exec_failed:
        if (m_start_error.empty()) {
          m_start_error = "cannot execute " + m_plan.executable + ": " + error_text(record.b);
        }
        break;
      default: break;
    }
  }

  void kill_tree(Clock::time_point now) {
    if (m_kill_level > 0) return;
    m_kill_level = 1;
    m_killed_at = now;
    // init blocks SIGTERM and answers it by SIGKILLing the namespace and reaping it (so that
    // the CPU time of what it kills is counted); the supervisor by sweeping the group and its
    // subreaped orphans. Both exit once all of it is reaped; escalate() follows if not.
    signal_child(SIGTERM);
  }

  // Through the pidfd when there is one: the pid cannot have been reused by then.
  void signal_child(int sig) {
    if (m_pidfd.valid() && ::syscall(SYS_pidfd_send_signal, m_pidfd.get(), sig, nullptr, 0) == 0) return;
    ::kill(m_supervisor, sig);
  }

  // init or the supervisor did not finish in time (or the supervisor was killed by the
  // command, which can happen only without a privilege drop): SIGKILL it (for init, the kernel
  // then kills the whole namespace) and everything goodput knows of.
  void escalate() {
    m_kill_level = 2;
    signal_child(SIGKILL);
    if (m_started_pid > 0 && !m_namespaces) {
      ::kill(-m_started_pid, SIGKILL);
      ::kill(m_started_pid, SIGKILL);
    }
  }

  bool any_open() const {
    for (const Stream& stream : m_streams) {
      if (stream.open()) return true;
    }
    return m_status.get() >= 0;
  }

  void drain() {
    const Clock::time_point until = Clock::now() + k_drain_grace;
    while (any_open()) {
      const Clock::time_point now = Clock::now();
      if (now >= until) break;
      pollfd fds[k_stream_count + 1];
      int kinds[k_stream_count + 1];
      nfds_t count = 0;
      add_polled(fds, kinds, count);
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
      const int ready = ::poll(fds, count, static_cast<int>(std::max<long long>(left, 1)));
      if (ready < 0 && errno != EINTR) break;
      if (ready > 0) handle_ready(fds, kinds, count);
    }
    const bool output_open = m_streams[k_stdout].open() || m_streams[k_stderr].open() ||
                             m_streams[k_channel].open();
    if (output_open && m_started_pid > 0 && !m_namespaces) {
      ::kill(-m_started_pid, SIGKILL);  // last resort for the fallback
    }
  }

  const LaunchPlan& m_plan;
  pid_t m_supervisor;
  Clock::time_point m_start;
  Stream m_streams[k_stream_count];
  Fd m_status;
  Fd m_pidfd;
  bool m_namespaces;
  std::string m_status_bytes;
  pid_t m_started_pid = -1;
  std::optional<int> m_wait_status;
  long long m_run_uid = -1;
  std::string m_start_error;
  KillCause m_cause = KillCause::none;
  int m_kill_level = 0;
  Clock::time_point m_killed_at;
};


// The signals goodput ignores (SIG_IGN survives exec): the command gets them back at SIG_DFL.
// SIGPIPE always: init and the supervisor ignore it themselves.
sigset_t ignored_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction current {};
    if (sig != SIGKILL && sig != SIGSTOP && ::sigaction(sig, nullptr, &current) == 0 &&
        current.sa_handler == SIG_IGN) {
      sigaddset(&set, sig);
    }
  }
  return set;
}

// The command's stack while it shares init's memory (until its exec): small frames only.
constexpr std::size_t k_command_stack_bytes = 256 * 1024;

class Stack {
 public:
  Stack()
      : m_base(::mmap(nullptr, k_command_stack_bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0)) {}
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  ~Stack() {
    if (valid()) ::munmap(m_base, k_command_stack_bytes);
  }
  bool valid() const { return m_base != MAP_FAILED; }
  void* base() const { return m_base; }

 private:
  void* m_base;
};

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const std::string& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

bool LaunchPlan::pid_namespace() const { return (namespace_flags & CLONE_NEWPID) != 0; }

LaunchOutcome launch(LaunchPlan& plan) {
  LaunchOutcome outcome;
  Pipe out;
  Pipe err;
  Pipe status;
  Pipe channel;
  Fd dev_null;
  const Stack stack;
  try {
    // Every descriptor the child juggles is numbered above 2, so that putting stdio in place
    // never overwrites one of them (goodput may have been started with 0-2 closed).
    out = make_pipe(k_first_passed_fd);
    err = make_pipe(k_first_passed_fd);
    status = make_pipe(k_first_passed_fd);
    if (plan.result_channel) channel = make_pipe(k_first_passed_fd);
    dev_null = Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!dev_null.valid()) throw std::system_error(errno, std::generic_category(), "/dev/null");
    const int moved = ::fcntl(dev_null.get(), F_DUPFD_CLOEXEC, k_first_passed_fd);
    if (moved < 0) throw std::system_error(errno, std::generic_category(), "fcntl");
    dev_null = Fd(moved);
  } catch (const std::system_error& e) {
    outcome.start_error = std::string("cannot create pipes: ") + e.what();
    return outcome;
  }
  if (!stack.valid()) {
    outcome.start_error = "cannot map a stack for the command: " + error_text(errno);
    return outcome;
  }
  if (plan.passed_fds.size() + (plan.result_channel ? 1 : 0) > k_max_passed_fds) {
    outcome.start_error = "too many files for the sandbox (" +
                          std::to_string(plan.passed_fds.size()) + " descriptors, at most " +
                          std::to_string(k_max_passed_fds) + ")";
    return outcome;
  }

  std::vector<std::string> env = plan.env;
  if (plan.result_channel) {
    env.push_back(std::string(k_result_fd_variable) + "=" + std::to_string(channel.write.get()));
  }
  std::vector<std::string> argv_strings = {plan.executable};
  argv_strings.insert(argv_strings.end(), plan.args.begin(), plan.args.end());
  const std::vector<char*> argv = c_strings(argv_strings);
  const std::vector<char*> envp = c_strings(env);

  ChildPlan child;
  child.executable = plan.executable.c_str();
  child.argv = argv.data();
  child.envp = envp.data();
  child.stdin_fd = dev_null.get();
  child.stdout_fd = out.write.get();
  child.stderr_fd = err.write.get();
  child.status_fd = status.write.get();
  child.goodput_pid = ::getpid();
  child.namespace_flags = plan.namespace_flags;
  child.user_namespace = (plan.namespace_flags & CLONE_NEWUSER) != 0;
  const std::string uid_map =
      std::to_string(::geteuid()) + " " + std::to_string(::geteuid()) + " 1\n";
  const std::string gid_map =
      std::to_string(::getegid()) + " " + std::to_string(::getegid()) + " 1\n";
  child.uid_map = uid_map.c_str();
  child.gid_map = gid_map.c_str();
  for (const Fd& fd : plan.passed_fds) child.passed_fds[child.passed_fd_count++] = fd.get();
  if (plan.result_channel) child.passed_fds[child.passed_fd_count++] = channel.write.get();
  child.cgroup_procs_fd = plan.cgroup_procs_fd;
  child.distinct_uid = plan.distinct_uid;
  child.own_user_namespace = plan.own_user_namespace;
  for (const SetupScript* script : plan.scripts) {
    if (child.step_list_count == 3) break;
    child.steps[child.step_list_count++] = StepList{script->steps(), script->size()};
  }
  child.seccomp = plan.seccomp;
  child.cwd = plan.cwd.empty() ? nullptr : plan.cwd.c_str();
  child.ignored_signals = ignored_signals();
  child.command_stack = stack.base();
  child.command_stack_size = k_command_stack_bytes;
  fill_rlimits(child, plan);

  const Clock::time_point start = Clock::now();
  int raw_pidfd = -1;
  const pid_t pid = spawn(child, &raw_pidfd);
  const int spawn_error = errno;
  Fd pidfd(raw_pidfd);
  out.write.reset();
  err.write.reset();
  status.write.reset();
  channel.write.reset();
  dev_null.reset();
  plan.passed_fds.clear();

  if (pid < 0) {
    outcome.start_error = "cannot start the sandbox's first process (clone): " +
                          error_text(spawn_error);
    return outcome;
  }
  outcome.spawned = true;

  Stream streams[k_stream_count];
  streams[k_stdout].fd = std::move(out.read);
  streams[k_stdout].cap = plan.limits.output_bytes;
  streams[k_stderr].fd = std::move(err.read);
  streams[k_stderr].cap = plan.limits.output_bytes;
  streams[k_stderr].keep_tail = true;
  streams[k_channel].fd = std::move(channel.read);
  streams[k_channel].cap = plan.limits.channel_bytes;
  streams[k_bwrap_status].fd = std::move(plan.bwrap_status);
  streams[k_bwrap_status].cap = k_bwrap_status_cap;
  streams[k_bwrap_status].kills_on_overflow = false;
  Supervision supervision(plan, pid, std::move(pidfd), start, streams, std::move(status.read));
  supervision.run(outcome);
  return outcome;
}

}  // namespace goodput::sandbox::detail
