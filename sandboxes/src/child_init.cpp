// SPDX-License-Identifier: MIT
// The child side of a sandboxed run (see child_init.hpp for the process tree). Raw POSIX and
// Linux system calls only, async-signal-safe: the processes here are copies of a
// multi-threaded goodput made by raw clone3/clone, so glibc's own view of them (its thread
// list, cached thread ids, malloc's locks) is stale. That is why the uid change uses raw
// system calls: glibc's setresuid() would try to reach goodput's other threads.
#include "child_init.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
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

[[noreturn]] void fail(const ChildPlan& plan, SetupStage stage, int error, std::int32_t step = 0) {
  StatusRecord record;
  record.kind = k_record_setup_failed;
  record.a = static_cast<std::int32_t>(stage);
  record.b = error;
  record.c = step;
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

// Closes every descriptor >= 3 except those in keep (any order, -1 entries ignored): the run's
// processes must not keep goodput's descriptors (sockets to the model server, the journal...).
void close_fds_except(const int* keep, int count) {
  int sorted[k_max_passed_fds + 4];
  int n = 0;
  for (int i = 0; i < count && n < k_max_passed_fds + 4; ++i) {
    if (keep[i] < 3) continue;
    int j = n++;
    while (j > 0 && sorted[j - 1] > keep[i]) {
      sorted[j] = sorted[j - 1];
      --j;
    }
    sorted[j] = keep[i];
  }
  unsigned next = 3;
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<unsigned>(sorted[i]);
    if (k > next) close_range_compat(next, k - 1);
    if (k + 1 > next) next = k + 1;
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
    if (!privileged && ::syscall(SYS_prlimit64, 0, want.resource, nullptr, &current) == 0 &&
        current.rlim_max != RLIM_INFINITY) {
      if (value.rlim_max == RLIM_INFINITY || value.rlim_max > current.rlim_max) {
        value.rlim_max = current.rlim_max;
      }
      if (value.rlim_cur == RLIM_INFINITY || value.rlim_cur > value.rlim_max) {
        value.rlim_cur = value.rlim_max;
      }
    }
    if (::syscall(SYS_prlimit64, 0, want.resource, &value, nullptr) != 0) {
      fail(plan, SetupStage::rlimit, errno);
    }
  }
}

// The setup steps of every list, in order; on failure the stage names the list and step.
void run_steps(const ChildPlan& plan, uid_t uid, gid_t gid) {
  for (int list = 0; list < plan.step_list_count; ++list) {
    const int failed = run_setup_steps(plan.steps[list].steps, plan.steps[list].count, uid, gid);
    if (failed >= 0) fail(plan, SetupStage::setup_step, errno, (list << 16) | failed);
  }
}

// Moves the calling process into the run's memory cgroup ("0" = the writer itself).
void join_cgroup(const ChildPlan& plan) {
  if (plan.cgroup_procs_fd < 0) return;
  if (::write(plan.cgroup_procs_fd, "0", 1) != 1) fail(plan, SetupStage::cgroup, errno);
  ::close(plan.cgroup_procs_fd);
}

// Closes what the command must not have, puts its stdio in place.
void wire_command_descriptors(const ChildPlan& plan) {
  if (::dup2(plan.stdin_fd, 0) < 0 || ::dup2(plan.stdout_fd, 1) < 0 || ::dup2(plan.stderr_fd, 2) < 0) {
    fail(plan, SetupStage::pass_fds, errno);
  }
  int keep[k_max_passed_fds + 1];
  int count = 0;
  keep[count++] = plan.status_fd;  // O_CLOEXEC: gone at exec, there until then for reports
  for (int i = 0; i < plan.passed_fd_count; ++i) keep[count++] = plan.passed_fds[i];
  close_fds_except(keep, count);
  for (int i = 0; i < plan.passed_fd_count; ++i) {
    if (::fcntl(plan.passed_fds[i], F_SETFD, 0) != 0) fail(plan, SetupStage::pass_fds, errno);
  }
}

// The command's last steps, then exec. Never returns.
[[noreturn]] void exec_command(const ChildPlan& plan, pid_t expected_parent, uid_t uid, gid_t gid) {
  // Dispositions set to SIG_IGN and the signal mask survive exec: start the command clean
  // (goodput ignores SIGPIPE, and init and the supervisor blocked SIGCHLD/SIGTERM).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sigismember(&plan.ignored_signals, sig) == 1) ::sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) fail(plan, SetupStage::signals, errno);
  ::umask(022);
  if (plan.cwd != nullptr && ::chdir(plan.cwd) != 0) fail(plan, SetupStage::chdir, errno);
  wire_command_descriptors(plan);

  apply_rlimits(plan, false);
  if (plan.distinct_uid) {
    if (::syscall(SYS_setgroups, 0, nullptr) != 0) fail(plan, SetupStage::setgroups, errno);
    if (::syscall(SYS_setresgid, gid, gid, gid) != 0) fail(plan, SetupStage::setgid, errno);
    if (::syscall(SYS_setresuid, uid, uid, uid) != 0) fail(plan, SetupStage::setuid, errno);
    if (::getuid() != uid || ::geteuid() != uid) fail(plan, SetupStage::setuid, EPERM);
  }
  if (plan.own_user_namespace) {
    if (::unshare(CLONE_NEWUSER) != 0) fail(plan, SetupStage::user_map, errno);
    if (!write_file("/proc/self/setgroups", "deny") ||
        !write_file("/proc/self/uid_map", plan.uid_map) ||
        !write_file("/proc/self/gid_map", plan.gid_map)) {
      fail(plan, SetupStage::user_map, errno);
    }
  }
  // After the uid change (or the user namespace): the run's processes are counted alone.
  apply_rlimits(plan, true);
  // No setuid binary (su, mount...) may give the command privileges back.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(plan, SetupStage::no_new_privs, errno);
  // After the uid change, which clears the parent-death signal.
  die_with_parent(plan, expected_parent, SIGKILL);
  if (plan.seccomp != nullptr &&
      ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, plan.seccomp, 0, 0) != 0) {
    fail(plan, SetupStage::seccomp, errno);
  }
  ::execve(plan.executable, plan.argv, plan.envp);
  StatusRecord record;
  record.kind = k_record_exec_failed;
  record.b = errno;
  write_record(plan.status_fd, record);
  ::_exit(k_exit_exec_failed);
}

// What the command's clone() runs: on its own stack, sharing init's (or the supervisor's)
// memory until it execs (CLONE_VM | CLONE_VFORK), so no page table of goodput's size is copied.
struct CommandStart {
  const ChildPlan* plan;
  pid_t expected_parent;
  uid_t uid;
  gid_t gid;
  bool own_group;
};

int command_main(void* arg) {
  const auto* start = static_cast<const CommandStart*>(arg);
  const ChildPlan& plan = *start->plan;
  if (start->own_group) {
    ::setpgid(0, 0);
    join_cgroup(plan);
  }
  exec_command(plan, start->expected_parent, start->uid, start->gid);
}

// Starts the command and returns its pid once it has exec'd (or failed to).
pid_t start_command(const ChildPlan& plan, const CommandStart& start) {
  auto* top = static_cast<char*>(plan.command_stack) + plan.command_stack_size;
  const pid_t command = ::clone(command_main, top, CLONE_VM | CLONE_VFORK | SIGCHLD,
                                const_cast<CommandStart*>(&start));
  if (command < 0) fail(plan, SetupStage::fork, errno);
  return command;
}

// The caller's pid in goodput's pid namespace: /proc is still goodput's at this point, and its
// "self" link names the caller as that namespace sees it. 0 when it cannot be read.
pid_t pid_outside() {
  char buf[32];
  const ssize_t n = ::readlink("/proc/self", buf, sizeof buf - 1);
  if (n <= 0) return 0;
  long pid = 0;
  for (ssize_t i = 0; i < n; ++i) {
    if (buf[i] < '0' || buf[i] > '9') return 0;
    pid = pid * 10 + (buf[i] - '0');
  }
  return static_cast<pid_t>(pid);
}

// PID 1 of the namespace. Reports the command's status as soon as it is reaped, then SIGKILLs
// everything else in the namespace (kill(-1) from PID 1 reaches exactly the namespace) and
// reaps it before exiting: exiting as PID 1 would have the kernel kill the rest too, but only
// what init reaps itself is counted in the CPU time goodput gets from wait4. goodput stops a
// run with SIGTERM to init, which starts the same killing while the command still runs (and
// SIGKILLs init if that has not finished within a second).
[[noreturn]] void reap_as_init(const ChildPlan& plan, pid_t command, const sigset_t* set) {
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

// What init or the supervisor keeps of goodput's descriptors: the run's own.
void close_goodputs_fds(const ChildPlan& plan) {
  int keep[k_max_passed_fds + 6];
  int count = 0;
  for (const int fd : {plan.status_fd, plan.stdin_fd, plan.stdout_fd, plan.stderr_fd,
                       plan.cgroup_procs_fd}) {
    keep[count++] = fd;
  }
  for (int i = 0; i < plan.passed_fd_count; ++i) keep[count++] = plan.passed_fds[i];
  close_fds_except(keep, count);
}

void report_run_uid(const ChildPlan& plan, uid_t uid) {
  StatusRecord identity;
  identity.kind = k_record_run_uid;
  identity.a = static_cast<std::int32_t>(uid);
  write_record(plan.status_fd, identity);
}

// --- init: PID 1 of the run's namespaces, goodput's direct child. ---
[[noreturn]] void init_main(const ChildPlan& plan) {
  sigset_t set;
  block_supervisor_signals(&set);
  // Its parent is outside the pid namespace (getppid() is 0), so whether goodput is still
  // there is asked of the status pipe: a write fails once goodput is gone.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) fail(plan, SetupStage::pdeathsig, errno);
  ::signal(SIGPIPE, SIG_IGN);
  const pid_t host_pid = pid_outside();
  StatusRecord hello;
  hello.kind = k_record_started;
  hello.a = host_pid;
  if (::write(plan.status_fd, &hello, sizeof hello) != static_cast<ssize_t>(sizeof hello)) {
    ::_exit(k_exit_lost_parent);
  }
  if (plan.user_namespace) {
    if (!write_file("/proc/self/setgroups", "deny") ||
        !write_file("/proc/self/uid_map", plan.uid_map) ||
        !write_file("/proc/self/gid_map", plan.gid_map)) {
      fail(plan, SetupStage::user_map, errno);
    }
  }
  close_goodputs_fds(plan);
  join_cgroup(plan);
  // Inside the cgroup, the OOM killer should pick the command, not the run's PID 1 (whose
  // death would hide which limit was hit). Best effort: needs privileges.
  write_file("/proc/self/oom_score_adj", "-1000");
  // The run's uid: its own when goodput can give it one (host_pid names it), else goodput's
  // (mapped to itself in the user namespace).
  const uid_t uid = plan.distinct_uid ? static_cast<uid_t>(k_run_uid_base + host_pid) : ::geteuid();
  const gid_t gid = plan.distinct_uid ? static_cast<gid_t>(k_run_uid_base + host_pid) : ::getegid();
  report_run_uid(plan, uid);
  run_steps(plan, uid, gid);
  const CommandStart start{&plan, 1, uid, gid, false};
  const pid_t command = start_command(plan, start);
  reap_as_init(plan, command, &set);
}

// --- supervisor: no namespaces (bwrap makes its own; unsafe-none has none). ---
[[noreturn]] void supervisor_main(const ChildPlan& plan) {
  sigset_t set;
  block_supervisor_signals(&set);
  // If goodput dies, the supervisor gets SIGTERM, which it handles like goodput's own kill
  // request (sweep the group and its orphans) before it exits: the tree never outlives
  // goodput. SIGPIPE is ignored so that reporting to a dead goodput cannot kill the supervisor
  // before it has cleaned up.
  die_with_parent(plan, plan.goodput_pid, SIGTERM);
  ::signal(SIGPIPE, SIG_IGN);
  ::setsid();  // own session and process group: no terminal, apart from goodput's group
  close_goodputs_fds(plan);
  const pid_t supervisor = ::getpid();
  const uid_t uid = plan.distinct_uid ? static_cast<uid_t>(k_run_uid_base + supervisor) : ::geteuid();
  const gid_t gid = plan.distinct_uid ? static_cast<gid_t>(k_run_uid_base + supervisor) : ::getegid();
  report_run_uid(plan, uid);
  // A subreaper: every orphan of the tree (double forks, setsid daemons) comes back to it.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  run_steps(plan, uid, gid);
  const CommandStart start{&plan, supervisor, uid, gid, true};
  const pid_t command = start_command(plan, start);
  if (plan.cgroup_procs_fd >= 0) ::close(plan.cgroup_procs_fd);
  StatusRecord started;
  started.kind = k_record_started;
  started.a = command;
  write_record(plan.status_fd, started);
  supervise_group(plan, command, &set);
}

}  // namespace

const char* stage_name(SetupStage stage) {
  switch (stage) {
    case SetupStage::pdeathsig: return "prctl(PR_SET_PDEATHSIG)";
    case SetupStage::user_map: return "writing the user namespace uid/gid maps";
    case SetupStage::fork: return "starting the command";
    case SetupStage::cgroup: return "joining the run's memory cgroup";
    case SetupStage::setup_step: return "building the run's file system";
    case SetupStage::chdir: return "changing to the work directory";
    case SetupStage::rlimit: return "setrlimit";
    case SetupStage::setgroups: return "setgroups";
    case SetupStage::setgid: return "setgid";
    case SetupStage::setuid: return "setuid";
    case SetupStage::no_new_privs: return "prctl(PR_SET_NO_NEW_PRIVS)";
    case SetupStage::seccomp: return "installing the seccomp filter";
    case SetupStage::signals: return "resetting signals";
    case SetupStage::pass_fds: return "passing descriptors";
  }
  return "setup";
}

pid_t spawn(const ChildPlan& plan, int* pidfd) {
  clone_args args{};
  args.flags = CLONE_PIDFD | static_cast<std::uint64_t>(plan.namespace_flags);
  args.pidfd = reinterpret_cast<std::uint64_t>(pidfd);
  args.exit_signal = SIGCHLD;
  long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0 && errno == ENOSYS) {
    // Kernels before 5.3, and seccomp profiles that hide clone3 (as goodput's own filter does,
    // so that glibc falls back to clone): the same with clone(2), the pidfd in parent_tid.
    pid = ::syscall(SYS_clone, args.flags | SIGCHLD, nullptr, pidfd, nullptr, nullptr);
  }
  if (pid != 0) return static_cast<pid_t>(pid);  // the parent (or -1 with errno)
  if (plan.namespace_flags & CLONE_NEWPID) init_main(plan);
  supervisor_main(plan);
}

}  // namespace goodput::sandbox::detail
