// SPDX-License-Identifier: MIT
// The child side of a sandboxed run (see child_init.hpp for the process tree). Raw POSIX and
// Linux system calls: Boost.Process forks and execs, but namespaces, a PID 1, a subreaper and
// privilege dropping are below what it offers. Async-signal-safe code only.
#include "child_init.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <initializer_list>

namespace goodput::sandbox::detail {
namespace {

// Exit codes of the helper processes, never seen as the command's own (goodput reads the
// command's status from the status pipe, not from these).
constexpr int k_exit_setup_failed = 126;
constexpr int k_exit_exec_failed = 127;
constexpr int k_exit_lost_parent = 125;

// How often the supervisor wakes up without a signal, to re-check and re-sweep.
constexpr long k_supervisor_tick_ns = 100'000'000;

void write_record(int fd, const StatusRecord& record) {
  const char* p = reinterpret_cast<const char*>(&record);
  std::size_t left = sizeof record;
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // goodput is gone or not listening: nothing useful left to do
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

[[noreturn]] void fail(const ChildPlan& plan, SetupStage stage, int error) {
  StatusRecord record;
  record.kind = k_record_setup_failed;
  record.a = static_cast<std::int32_t>(stage);
  record.b = error;
  write_record(plan.status_fd, record);
  ::_exit(k_exit_setup_failed);
}

// close_range(2) where the kernel has it, else one close() per descriptor up to RLIMIT_NOFILE.
void close_range_compat(unsigned first, unsigned last) {
  if (first > last) return;
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, first, last, 0) == 0) return;
#endif
  rlimit limit{};
  unsigned top = 4096;
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      limit.rlim_cur < 1u << 20) {
    top = static_cast<unsigned>(limit.rlim_cur);
  }
  if (last > top) last = top;
  for (unsigned fd = first; fd <= last; ++fd) ::close(static_cast<int>(fd));
}

// Closes every descriptor >= 3 except keep_a and keep_b (either may be -1). Boost.Process
// closes descriptors too, but its Linux close_all in 1.81 skips the gaps between whitelisted
// descriptors, and the supervisor must not keep goodput's descriptors (sockets to the model
// server, the journal...) open in any case.
void close_fds_except(int keep_a, int keep_b) {
  if (keep_a > keep_b) {
    const int t = keep_a;
    keep_a = keep_b;
    keep_b = t;
  }
  unsigned next = 3;
  for (int keep : {keep_a, keep_b}) {
    if (keep < 3) continue;
    const auto k = static_cast<unsigned>(keep);
    if (k > next) close_range_compat(next, k - 1);
    next = k + 1;
  }
  close_range_compat(next, UINT_MAX);
}

// PR_SET_PDEATHSIG, then make sure the parent did not die before it was armed.
void die_with_parent(const ChildPlan& plan, pid_t expected_parent, int sig) {
  if (::prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0) fail(plan, SetupStage::pdeathsig, errno);
  if (::getppid() != expected_parent) ::_exit(k_exit_lost_parent);
}

bool write_file(const char* path, const char* text) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const std::size_t len = std::strlen(text);
  const ssize_t n = ::write(fd, text, len);
  ::close(fd);
  return n == static_cast<ssize_t>(len);
}

// The parent pid field of /proc/<pid>/stat: "pid (comm) state ppid ...", comm may hold ') '.
pid_t read_parent_pid(const char* pid_text) {
  char path[64] = "/proc/";
  std::size_t len = 6;
  for (const char* p = pid_text; *p != '\0' && len < sizeof path - 6; ++p) path[len++] = *p;
  std::memcpy(path + len, "/stat", 6);
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[512];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  const char* close_paren = nullptr;
  for (ssize_t i = 0; i < n; ++i) {
    if (buf[i] == ')') close_paren = buf + i;
  }
  if (close_paren == nullptr) return -1;
  const char* p = close_paren + 1;
  while (*p == ' ') ++p;
  while (*p != '\0' && *p != ' ') ++p;  // state
  while (*p == ' ') ++p;
  long ppid = 0;
  bool any = false;
  while (*p >= '0' && *p <= '9') {
    ppid = ppid * 10 + (*p - '0');
    ++p;
    any = true;
  }
  return any ? static_cast<pid_t>(ppid) : -1;
}

struct LinuxDirent64 {
  ino64_t d_ino;
  off64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

// Puts the decimal digits of value before end (no snprintf: not async-signal-safe).
char* format_uint(unsigned long value, char* end) {
  do {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return end;
}

// SIGKILLs the pids listed in /proc/self/task/<tid>/children (CONFIG_PROC_CHILDREN; the
// supervisor is single-threaded, so its tid is its pid). False when the file is not there.
bool kill_listed_children() {
  char path[64] = "/proc/self/task/";
  char digits[24];
  char* const digits_end = digits + sizeof digits;
  const char* first = format_uint(static_cast<unsigned long>(::getpid()), digits_end);
  std::size_t len = std::strlen(path);
  while (first != digits_end) path[len++] = *first++;
  std::memcpy(path + len, "/children", 10);
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[1024];
  long pid = 0;
  bool in_number = false;
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] >= '0' && buf[i] <= '9') {
        pid = pid * 10 + (buf[i] - '0');
        in_number = true;
      } else if (in_number) {
        ::kill(static_cast<pid_t>(pid), SIGKILL);
        pid = 0;
        in_number = false;
      }
    }
  }
  if (in_number) ::kill(static_cast<pid_t>(pid), SIGKILL);
  ::close(fd);
  return true;
}

// The sweep of the fallback (no pid namespace): SIGKILL the command's process group and every
// child of the supervisor. The supervisor is a child subreaper, so orphans of the tree (even
// ones that called setsid) are its children; repeated until waitpid says none is left.
void sweep(pid_t command) {
  ::kill(-command, SIGKILL);
  if (kill_listed_children()) return;
  const pid_t self = ::getpid();
  const int dir = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  alignas(8) char buf[4096];
  for (;;) {
    const long n = ::syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      const auto* entry = reinterpret_cast<const LinuxDirent64*>(buf + off);
      off += entry->d_reclen;
      const char* name = entry->d_name;
      if (name[0] < '1' || name[0] > '9') continue;
      if (read_parent_pid(name) != self) continue;
      long pid = 0;
      for (const char* p = name; *p >= '0' && *p <= '9'; ++p) pid = pid * 10 + (*p - '0');
      ::kill(static_cast<pid_t>(pid), SIGKILL);
    }
  }
  ::close(dir);
}

void block_supervisor_signals(sigset_t* set) {
  sigemptyset(set);
  sigaddset(set, SIGCHLD);
  sigaddset(set, SIGTERM);
  ::sigprocmask(SIG_BLOCK, set, nullptr);
}

int wait_for_signal(const sigset_t* set) {
  siginfo_t info{};
  timespec tick{0, k_supervisor_tick_ns};
  return ::sigtimedwait(set, &info, &tick);
}

// setrlimit for every planned limit but RLIMIT_NPROC (nproc_only = false), or only for it.
void apply_rlimits(const ChildPlan& plan, bool nproc_only) {
  const bool privileged = ::geteuid() == 0;
  for (int i = 0; i < plan.rlimit_count; ++i) {
    const ChildRlimit& want = plan.rlimits[i];
    if ((want.resource == RLIMIT_NPROC) != nproc_only) continue;
    rlimit value{want.soft, want.hard};
    rlimit current{};
    // Without privileges a hard limit can only go down: never ask for more than we have.
    if (!privileged && ::getrlimit(want.resource, &current) == 0 &&
        current.rlim_max != RLIM_INFINITY) {
      if (value.rlim_max == RLIM_INFINITY || value.rlim_max > current.rlim_max) {
        value.rlim_max = current.rlim_max;
      }
      if (value.rlim_cur == RLIM_INFINITY || value.rlim_cur > value.rlim_max) {
        value.rlim_cur = value.rlim_max;
      }
    }
    if (::setrlimit(want.resource, &value) != 0) fail(plan, SetupStage::rlimit, errno);
  }
}

// The command's last steps before Boost.Process closes descriptors and execs it.
void prepare_command(const ChildPlan& plan, pid_t expected_parent) {
  // Dispositions set to SIG_IGN and the signal mask survive exec: start the command clean
  // (goodput or its libraries may ignore SIGPIPE, and the supervisor blocked SIGCHLD/SIGTERM).
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0) continue;
    if (old.sa_handler == SIG_IGN) {
      struct sigaction dfl {};
      dfl.sa_handler = SIG_DFL;
      ::sigaction(sig, &dfl, nullptr);
    }
  }
  sigset_t none;
  sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) fail(plan, SetupStage::signals, errno);
  ::umask(022);

  apply_rlimits(plan, false);
  if (plan.drop_privileges) {
    if (::setgroups(0, nullptr) != 0) fail(plan, SetupStage::setgroups, errno);
    if (::setresgid(plan.gid, plan.gid, plan.gid) != 0) fail(plan, SetupStage::setgid, errno);
    if (::setresuid(plan.uid, plan.uid, plan.uid) != 0) fail(plan, SetupStage::setuid, errno);
    if (::getuid() != plan.uid || ::geteuid() != plan.uid) fail(plan, SetupStage::setuid, EPERM);
  }
  if (plan.own_user_namespace) {
    if (::unshare(CLONE_NEWUSER) != 0) fail(plan, SetupStage::own_user_namespace, errno);
    // The uid change and the new namespace's capabilities made the process non-dumpable, which
    // makes /proc/self/* root's: dumpable again so it may write its own maps (exec would reset
    // it anyway).
    if (::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0) fail(plan, SetupStage::own_user_namespace, errno);
    if (!write_file("/proc/self/setgroups", "deny") ||
        !write_file("/proc/self/uid_map", plan.own_uid_map) ||
        !write_file("/proc/self/gid_map", plan.own_gid_map)) {
      fail(plan, SetupStage::own_user_namespace, errno);
    }
  }
  apply_rlimits(plan, true);
  // No setuid binary (su, mount...) may give the command privileges back.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(plan, SetupStage::no_new_privs, errno);
  // After the uid change, which clears the parent-death signal.
  die_with_parent(plan, expected_parent, SIGKILL);
}

// Monotonic milliseconds (clock_gettime is async-signal-safe).
long long now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

// PID 1 of the namespace. Reports the command's status as soon as it is reaped, then SIGKILLs
// everything else in the namespace (kill(-1) from PID 1 reaches exactly the namespace) and
// reaps it before exiting: exiting as PID 1 would have the kernel kill the rest too, but what
// init reaps itself is counted in the CPU time the supervisor gets from wait4. SIGTERM (the
// supervisor relaying goodput's kill) starts the same killing while the command still runs.
[[noreturn]] void run_init(const ChildPlan& plan, pid_t command, const sigset_t* set) {
  bool killing = false;
  for (;;) {
    for (;;) {
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, WNOHANG | __WALL);
      if (pid > 0) {
        if (pid == command) {
          StatusRecord record;
          record.kind = k_record_exit;
          record.a = status;
          write_record(plan.status_fd, record);
          killing = true;
        }
        continue;
      }
      if (pid < 0 && errno == EINTR) continue;
      if (pid < 0) ::_exit(0);  // ECHILD: the namespace is empty
      break;
    }
    if (killing) ::kill(-1, SIGKILL);
    if (wait_for_signal(set) == SIGTERM) killing = true;
  }
}

// Supervisor with a pid namespace: relays goodput's SIGTERM to init, and SIGKILLs init if it
// has not finished within k_init_grace_ms (or on a second SIGTERM). Exits when init is reaped,
// which is after everything in the namespace is gone.
[[noreturn]] void supervise_namespace(pid_t init, const sigset_t* set) {
  constexpr long long k_init_grace_ms = 500;
  long long term_sent_at = -1;
  for (;;) {
    const int sig = wait_for_signal(set);
    if (sig == SIGTERM) {
      if (term_sent_at < 0) {
        ::kill(init, SIGTERM);
        term_sent_at = now_ms();
      } else {
        ::kill(init, SIGKILL);
      }
    }
    if (term_sent_at >= 0 && now_ms() - term_sent_at > k_init_grace_ms) ::kill(init, SIGKILL);
    int status = 0;
    const pid_t pid = ::waitpid(init, &status, WNOHANG | __WALL);
    if (pid == init || (pid < 0 && errno == ECHILD)) ::_exit(0);
  }
}

[[noreturn]] void supervise_group(const ChildPlan& plan, pid_t command, const sigset_t* set) {
  ::setpgid(command, command);  // also done by the command itself: whichever runs first
  bool command_reaped = false;
  bool sweeping = false;
  for (;;) {
    for (;;) {
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, WNOHANG | __WALL);
      if (pid > 0) {
        if (pid == command) {
          StatusRecord record;
          record.kind = k_record_exit;
          record.a = status;
          write_record(plan.status_fd, record);
          command_reaped = true;
          sweeping = true;  // whatever the command left behind goes with it
        }
        continue;
      }
      if (pid < 0 && errno == EINTR) continue;
      if (pid < 0 && command_reaped) ::_exit(0);  // ECHILD: nothing left
      break;
    }
    if (sweeping) sweep(command);
    if (wait_for_signal(set) == SIGTERM) sweeping = true;
  }
}

}  // namespace

const char* stage_name(SetupStage stage) {
  switch (stage) {
    case SetupStage::pdeathsig: return "prctl(PR_SET_PDEATHSIG)";
    case SetupStage::unshare: return "unshare (namespaces)";
    case SetupStage::user_map: return "writing the user namespace uid/gid maps";
    case SetupStage::fork: return "fork";
    case SetupStage::mount_private: return "making mounts private";
    case SetupStage::mount_proc: return "mounting /proc";
    case SetupStage::rlimit: return "setrlimit";
    case SetupStage::setgroups: return "setgroups";
    case SetupStage::setgid: return "setgid";
    case SetupStage::setuid: return "setuid";
    case SetupStage::no_new_privs: return "prctl(PR_SET_NO_NEW_PRIVS)";
    case SetupStage::signals: return "resetting signals";
    case SetupStage::own_user_namespace: return "creating the command's user namespace";
  }
  return "setup";
}

void run_child_chain(const ChildPlan& plan, int boost_error_fd) {
  // --- supervisor ---
  sigset_t set;
  block_supervisor_signals(&set);
  // If goodput dies, the supervisor gets SIGTERM, which it handles like goodput's own kill
  // request (SIGKILL init, or sweep the group and its orphans) before it exits: the tree never
  // outlives goodput, in the fallback either. SIGPIPE is ignored so that reporting to a dead
  // goodput cannot kill the supervisor before it has cleaned up.
  die_with_parent(plan, plan.goodput_pid, SIGTERM);
  ::signal(SIGPIPE, SIG_IGN);
  ::setsid();  // own session and process group: no terminal, apart from goodput's group
  close_fds_except(plan.status_fd, boost_error_fd);

  if (plan.unshare_flags != 0 && ::unshare(plan.unshare_flags) != 0) {
    fail(plan, SetupStage::unshare, errno);
  }
  if (plan.user_namespace) {
    if (!write_file("/proc/self/setgroups", "deny") ||
        !write_file("/proc/self/uid_map", plan.uid_map) ||
        !write_file("/proc/self/gid_map", plan.gid_map)) {
      fail(plan, SetupStage::user_map, errno);
    }
  }
  const pid_t supervisor = ::getpid();

  if (plan.pid_namespace) {
    const pid_t init = ::fork();
    if (init < 0) fail(plan, SetupStage::fork, errno);
    if (init == 0) {
      // --- init: PID 1 of the new namespace. Its parent is outside: getppid() is 0. ---
      if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
        fail(plan, SetupStage::pdeathsig, errno);
      }
      if (plan.mount_proc) {
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
          fail(plan, SetupStage::mount_private, errno);
        }
        if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
          fail(plan, SetupStage::mount_proc, errno);
        }
      }
      const pid_t command = ::fork();
      if (command < 0) fail(plan, SetupStage::fork, errno);
      if (command == 0) {
        prepare_command(plan, 1);
        return;  // --- command: Boost.Process execs it ---
      }
      if (boost_error_fd >= 0) ::close(boost_error_fd);
      run_init(plan, command, &set);
    }
    if (boost_error_fd >= 0) ::close(boost_error_fd);
    StatusRecord started;
    started.kind = k_record_started;
    started.a = init;
    write_record(plan.status_fd, started);
    supervise_namespace(init, &set);
  }

  // No pid namespace: the supervisor is a subreaper and sweeps.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  const pid_t command = ::fork();
  if (command < 0) fail(plan, SetupStage::fork, errno);
  if (command == 0) {
    ::setpgid(0, 0);
    prepare_command(plan, supervisor);
    return;  // --- command: Boost.Process execs it ---
  }
  if (boost_error_fd >= 0) ::close(boost_error_fd);
  StatusRecord started;
  started.kind = k_record_started;
  started.a = command;
  write_record(plan.status_fd, started);
  supervise_group(plan, command, &set);
}

void report_exec_failure(const ChildPlan& plan, int error) {
  StatusRecord record;
  record.kind = k_record_exec_failed;
  record.b = error;
  write_record(plan.status_fd, record);
  ::_exit(k_exit_exec_failed);
}

}  // namespace goodput::sandbox::detail
