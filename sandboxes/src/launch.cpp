// SPDX-License-Identifier: MIT
// The parent side of a sandboxed run. Boost.Process v2 does the fork, the stdio wiring
// (/dev/null on stdin, our pipes on stdout/stderr), the working directory, the environment,
// execve and the report of an exec failure. What Boost.Process has no initializer for is raw
// POSIX in child_init.cpp (namespaces, PID 1, subreaper, rlimits, privilege drop), and here:
// pipes made with pipe2(O_CLOEXEC) (so concurrent runs never inherit each other's pipes), a
// poll(2) loop over both outputs plus the status pipe plus a pidfd of the supervisor (Boost's
// async API would need an io_context thread per run), and wait4(2) because the CPU time of the
// whole tree only comes with the rusage of the supervisor's exit.
#include "launch.hpp"

#include "child_init.hpp"

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
#include <type_traits>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wcast-align"
#pragma GCC diagnostic ignored "-Woverloaded-virtual"
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <boost/process/v2.hpp>
#pragma GCC diagnostic pop

namespace goodput::sandbox::detail {
namespace {

namespace bp = boost::process::v2;
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

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return m_fd; }
  void reset() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

 private:
  int m_fd = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  Pipe pipe{Fd(fds[0]), Fd(fds[1])};
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  return pipe;
}

// The Boost.Process initializer that turns the forked child into the supervisor chain.
class ChildInit {
 public:
  explicit ChildInit(const ChildPlan* plan) : m_plan(plan) {}

  bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                          const char* const*) {
    launcher.fd_whitelist.push_back(m_plan->status_fd);
    return {};
  }

  // In the child, after process_stdio's dup2 and process_start_dir's chdir (they come first in
  // the initializer list). Returns only in the process that is to become the command.
  bp::error_code on_exec_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                               const char* const*) {
    int boost_error_fd = -1;
    for (const int fd : launcher.fd_whitelist) {
      if (fd > STDERR_FILENO && fd != m_plan->status_fd) boost_error_fd = fd;
    }
    run_child_chain(*m_plan, boost_error_fd);
    return {};
  }

  // Boost 1.81 detects this hook with five arguments (launcher, ec, path, argv, ec) and calls it
  // with four (launcher, path, argv, ec): a variadic template answers both.
  template <typename... Args>
  void on_exec_error(Args&&... args) {
    report_exec_failure(*m_plan, last_error(args...));
  }

 private:
  template <typename First, typename... Rest>
  static int last_error(const First& first, const Rest&... rest) {
    if constexpr (sizeof...(Rest) > 0) {
      return last_error(rest...);
    } else if constexpr (std::is_same_v<First, bp::error_code>) {
      return first.value();
    } else {
      return errno;
    }
  }

  const ChildPlan* m_plan;
};

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

std::string describe_setup_failure(const StatusRecord& record) {
  return std::string("sandbox setup failed at ") +
         stage_name(static_cast<SetupStage>(record.a)) + ": " + error_text(record.b);
}

struct Stream {
  Fd fd;
  std::string text;
  std::string tail;
  bool keep_tail = false;
  bool truncated = false;

  bool open() const { return fd.get() >= 0; }
};

class Supervision {
 public:
  Supervision(const LaunchPlan& plan, pid_t supervisor, Clock::time_point start, Pipe& out,
              Pipe& err, Pipe& status)
      : m_plan(plan), m_supervisor(supervisor), m_start(start) {
    m_out.fd = std::move(out.read);
    m_err.fd = std::move(err.read);
    m_err.keep_tail = true;
    m_status = std::move(status.read);
    m_pidfd = Fd(static_cast<int>(::syscall(SYS_pidfd_open, supervisor, 0)));
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

      pollfd fds[4];
      nfds_t count = 0;
      Stream* streams[4] = {nullptr, nullptr, nullptr, nullptr};
      for (Stream* stream : {&m_out, &m_err}) {
        if (!stream->open()) continue;
        streams[count] = stream;
        fds[count++] = pollfd{stream->fd.get(), POLLIN, 0};
      }
      const nfds_t status_index = count;
      if (m_status.get() >= 0) fds[count++] = pollfd{m_status.get(), POLLIN, 0};
      const nfds_t pidfd_index = count;
      if (m_pidfd.get() >= 0) fds[count++] = pollfd{m_pidfd.get(), POLLIN, 0};

      const int ready = ::poll(fds, count, timeout_ms);
      if (ready < 0 && errno != EINTR) {
        // Cannot happen with valid descriptors (ENOMEM at worst): never leave the loop without
        // reaping, just poll the supervisor's status instead.
        ::usleep(10'000);
        m_pidfd.reset();
        continue;
      }
      for (nfds_t i = 0; i < count && ready > 0; ++i) {
        if (fds[i].revents == 0) continue;
        if (streams[i] != nullptr) {
          read_stream(*streams[i]);
        } else if (i == status_index && m_status.get() >= 0) {
          read_status();
        }
      }
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
    if (outcome.start_error.empty()) outcome.start_error = m_start_error;
    outcome.stdout_text = std::move(m_out.text);
    outcome.stderr_text = std::move(m_err.text);
    outcome.stderr_tail = std::move(m_err.tail);
    outcome.stdout_truncated = m_out.truncated;
    outcome.stderr_truncated = m_err.truncated;
    outcome.wall_s = std::chrono::duration<double>(end - m_start).count();
    outcome.cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                    static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    outcome.escaped = m_out.open() || m_err.open();
  }

 private:
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
    const std::size_t cap = m_plan.limits.output_bytes;
    const std::size_t room = stream.text.size() < cap ? cap - stream.text.size() : 0;
    stream.text.append(data, std::min(n, room));
    if (n > room) stream.truncated = true;
    if (stream.keep_tail) {
      stream.tail.append(data, n);
      if (stream.tail.size() > 2 * k_tail_bytes) {
        stream.tail.erase(0, stream.tail.size() - k_tail_bytes);
      }
    }
    if (stream.truncated && m_cause == KillCause::none) {
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
      case k_record_started: m_started_pid = record.a; break;
      case k_record_exit: m_wait_status = record.a; break;
      case k_record_setup_failed:
        if (m_start_error.empty()) m_start_error = describe_setup_failure(record);
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
    // The supervisor blocks SIGTERM and answers it by SIGKILLing init (pid namespace) or by
    // sweeping the group and its subreaped orphans; it exits once all of them are reaped.
    ::kill(m_supervisor, SIGTERM);
  }

  // The supervisor did not finish in time (or was killed by the command, which can happen
  // only without a privilege drop): SIGKILL it and everything goodput knows of.
  void escalate() {
    m_kill_level = 2;
    ::kill(m_supervisor, SIGKILL);
    if (m_started_pid > 0) {
      if (!m_plan.pid_namespace) ::kill(-m_started_pid, SIGKILL);
      ::kill(m_started_pid, SIGKILL);
    }
  }

  void drain() {
    const Clock::time_point until = Clock::now() + k_drain_grace;
    while (m_out.open() || m_err.open() || m_status.get() >= 0) {
      const Clock::time_point now = Clock::now();
      if (now >= until) break;
      pollfd fds[3];
      int kinds[3];
      nfds_t count = 0;
      if (m_out.open()) {
        kinds[count] = 0;
        fds[count++] = pollfd{m_out.fd.get(), POLLIN, 0};
      }
      if (m_err.open()) {
        kinds[count] = 1;
        fds[count++] = pollfd{m_err.fd.get(), POLLIN, 0};
      }
      if (m_status.get() >= 0) {
        kinds[count] = 2;
        fds[count++] = pollfd{m_status.get(), POLLIN, 0};
      }
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
      const int ready = ::poll(fds, count, static_cast<int>(std::max<long long>(left, 1)));
      if (ready < 0 && errno != EINTR) break;
      for (nfds_t i = 0; i < count && ready > 0; ++i) {
        if (fds[i].revents == 0) continue;
        if (kinds[i] == 0) read_stream(m_out);
        if (kinds[i] == 1) read_stream(m_err);
        if (kinds[i] == 2) read_status();
      }
    }
    if ((m_out.open() || m_err.open()) && m_started_pid > 0 && !m_plan.pid_namespace) {
      ::kill(-m_started_pid, SIGKILL);  // last resort for the fallback
    }
  }

  const LaunchPlan& m_plan;
  pid_t m_supervisor;
  Clock::time_point m_start;
  Stream m_out;
  Stream m_err;
  Fd m_status;
  Fd m_pidfd;
  std::string m_status_bytes;
  pid_t m_started_pid = -1;
  std::optional<int> m_wait_status;
  std::string m_start_error;
  KillCause m_cause = KillCause::none;
  int m_kill_level = 0;
  Clock::time_point m_killed_at;
};

}  // namespace

LaunchOutcome launch(const LaunchPlan& plan) {
  LaunchOutcome outcome;
  Pipe out;
  Pipe err;
  Pipe status;
  Fd dev_null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  try {
    out = make_pipe();
    err = make_pipe();
    status = make_pipe();
  } catch (const std::system_error& e) {
    outcome.start_error = std::string("cannot create pipes: ") + e.what();
    return outcome;
  }
  if (dev_null.get() < 0) {
    outcome.start_error = "cannot open /dev/null: " + error_text(errno);
    return outcome;
  }

  ChildPlan child;
  child.status_fd = status.write.get();
  child.goodput_pid = ::getpid();
  child.unshare_flags = plan.unshare_flags;
  child.pid_namespace = plan.pid_namespace;
  child.mount_proc = plan.mount_proc;
  child.user_namespace = (plan.unshare_flags & CLONE_NEWUSER) != 0;
  const std::string uid_map =
      std::to_string(::geteuid()) + " " + std::to_string(::geteuid()) + " 1\n";
  const std::string gid_map =
      std::to_string(::getegid()) + " " + std::to_string(::getegid()) + " 1\n";
  child.uid_map = uid_map.c_str();
  child.gid_map = gid_map.c_str();
  if (plan.run_as) {
    child.drop_privileges = true;
    child.uid = plan.run_as->uid;
    child.gid = plan.run_as->gid;
  }
  const uid_t command_uid = plan.run_as ? plan.run_as->uid : ::geteuid();
  const gid_t command_gid = plan.run_as ? plan.run_as->gid : ::getegid();
  const std::string own_uid_map =
      std::to_string(command_uid) + " " + std::to_string(command_uid) + " 1\n";
  const std::string own_gid_map =
      std::to_string(command_gid) + " " + std::to_string(command_gid) + " 1\n";
  child.own_user_namespace = plan.own_user_namespace;
  child.own_uid_map = own_uid_map.c_str();
  child.own_gid_map = own_gid_map.c_str();
  fill_rlimits(child, plan);

  std::vector<const char*> envp;
  envp.reserve(plan.env.size() + 1);
  for (const std::string& entry : plan.env) envp.push_back(entry.c_str());
  envp.push_back(nullptr);

  boost::asio::io_context context;
  bp::posix::default_launcher launcher;
  launcher.env = envp.data();
  bp::error_code ec;
  const Clock::time_point start = Clock::now();
  {
    auto process = launcher(context.get_executor(), ec, bp::filesystem::path(plan.executable),
                            plan.args,
                            bp::process_stdio{dev_null.get(), out.write.get(), err.write.get()},
                            bp::process_start_dir(bp::filesystem::path(plan.cwd)),
                            ChildInit(&child));
    process.detach();  // goodput reaps the supervisor itself, with wait4
  }
  out.write.reset();
  err.write.reset();
  status.write.reset();
  dev_null.reset();

  if (launcher.pid <= 0) {
    outcome.start_error = "cannot fork the sandbox: " + ec.message();
    return outcome;
  }
  outcome.spawned = true;
  if (ec) outcome.start_error = "cannot execute " + plan.executable + ": " + ec.message();

  Supervision supervision(plan, launcher.pid, start, out, err, status);
  supervision.run(outcome);
  return outcome;
}

}  // namespace goodput::sandbox::detail
