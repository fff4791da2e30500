// SPDX-License-Identifier: MIT
// Default allow, and EPERM for what a converter under test never needs and an attacker would:
// other processes' memory (ptrace and friends), the kernel's namespace and mount machinery
// (nested user namespaces are the usual first step of a kernel exploit), kernel keyrings, BPF,
// perf, io_uring (it bypasses this very filter for the operations it performs), modules, and
// the like. A deny list rather than an allow list because Python and its C extensions use a
// wide and version-dependent set of ordinary calls; everything refused here is privileged or
// exotic. Calls of another architecture (i386 via int 0x80, x32) kill the process: the filter
// only knows the native numbers.
#include "seccomp_filter.hpp"

#include "fd.hpp"
#include "memory_cgroup.hpp"

#include <linux/sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace goodput::sandbox::detail {
namespace {

// Refused with EPERM. Names this architecture does not have are skipped.
constexpr const char* k_refused[] = {
    // other processes
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    // namespaces, mounts, roots
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "mount_setattr", "move_mount",
    "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
    // kernel attack surface
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "memfd_secret",
    // the machine itself
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "acct", "syslog", "quotactl", "quotactl_fd", "open_by_handle_at",
    "name_to_handle_at", "lookup_dcookie", "fanotify_init", "iopl", "ioperm", "uselib", "vhangup",
    "nfsservctl", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname",
    "setdomainname", "ustat", "sysfs",
};

// Refused too when no cgroup accounts the run's memory.
constexpr const char* k_refused_without_accounting[] = {"memfd_create", "shmget"};

// The namespace flags of clone(2). CLONE_NEWTIME is not among them: in clone() that bit is
// part of the exit signal; it only exists for clone3, which is refused as a whole.
constexpr unsigned long k_clone_namespace_flags[] = {CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS,
                                                     CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
                                                     CLONE_NEWNET};

class Context {
 public:
  Context() : m_ctx(seccomp_init(SCMP_ACT_ALLOW)) {}
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  ~Context() {
    if (m_ctx != nullptr) seccomp_release(m_ctx);
  }
  scmp_filter_ctx get() const { return m_ctx; }

 private:
  scmp_filter_ctx m_ctx;
};

std::string failure(const char* what, int rc) {
  return std::string("libseccomp: ") + what + ": " + std::strerror(-rc);
}

SeccompProgram build(bool memory_accounted) {
  SeccompProgram program;
  const Context context;
  scmp_filter_ctx ctx = context.get();
  if (ctx == nullptr) {
    program.error = "libseccomp: seccomp_init failed";
    return program;
  }
  int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
  if (rc != 0) {
    program.error = failure("setting the action for other architectures", rc);
    return program;
  }
  auto refuse = [&](const char* name) {
    const int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) return true;  // not on this architecture
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    if (rc != 0) program.error = failure(name, rc);
    return rc == 0;
  };
  for (const char* name : k_refused) {
    if (!refuse(name)) return program;
  }
  if (!memory_accounted) {
    for (const char* name : k_refused_without_accounting) {
      if (!refuse(name)) return program;
    }
  }
  // clone3 passes its flags in memory the filter cannot read: ENOSYS makes glibc fall back to
  // clone(), whose flags it can.
  rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  if (rc != 0) {
    program.error = failure("clone3", rc);
    return program;
  }
  for (const unsigned long flag : k_clone_namespace_flags) {
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                          SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
    if (rc != 0) {
      program.error = failure("clone", rc);
      return program;
    }
  }
  // Faking terminal input to whatever reads the controlling terminal (there is none inside, but
  // the filter does not rely on that).
  for (const unsigned long request : {static_cast<unsigned long>(TIOCSTI),
                                      static_cast<unsigned long>(TIOCLINUX)}) {
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                          SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, request));
    if (rc != 0) {
      program.error = failure("ioctl", rc);
      return program;
    }
  }

  // libseccomp 2.5 exports only to a descriptor: a memfd, read back.
  Fd file;
  try {
    file = make_memory_file("goodput-seccomp", "", 0, true);
  } catch (const std::exception& e) {
    program.error = std::string("cannot export the seccomp filter: ") + e.what();
    return program;
  }
  rc = seccomp_export_bpf(ctx, file.get());
  if (rc != 0) {
    program.error = failure("exporting the filter", rc);
    return program;
  }
  std::string bytes;
  char buf[4096];
  ::lseek(file.get(), 0, SEEK_SET);
  for (;;) {
    const ssize_t n = ::read(file.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  if (bytes.empty() || bytes.size() % sizeof(sock_filter) != 0) {
    program.error = "libseccomp exported a filter of " + std::to_string(bytes.size()) + " bytes";
    return program;
  }
  program.instructions.resize(bytes.size() / sizeof(sock_filter));
  std::memcpy(program.instructions.data(), bytes.data(), bytes.size());
  return program;
}

void point_at_instructions(SeccompProgram& program) {
  program.fprog.len = static_cast<unsigned short>(program.instructions.size());
  program.fprog.filter = program.instructions.data();
}

}  // namespace

const SeccompProgram& seccomp_program(bool memory_accounted) {
  static std::once_flag once[2];
  static SeccompProgram programs[2];
  const int index = memory_accounted ? 1 : 0;
  std::call_once(once[index], [&] {
    programs[index] = build(memory_accounted);
    point_at_instructions(programs[index]);
  });
  return programs[index];
}

const SeccompProgram* machine_seccomp_program(std::string* why_not) {
  const SeccompProgram& program = seccomp_program(memory_cgroup_support().available);
  if (program.ok()) return &program;
  *why_not = program.error;
  return nullptr;
}

std::string_view SeccompProgram::bytes() const {
  return {reinterpret_cast<const char*>(instructions.data()), instructions.size() * sizeof(sock_filter)};
}

}  // namespace goodput::sandbox::detail
