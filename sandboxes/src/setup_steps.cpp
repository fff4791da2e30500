// SPDX-License-Identifier: MIT
// The child side of setup_steps.hpp: async-signal-safe system calls only.
#include "setup_steps.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace goodput::sandbox::detail {
namespace {

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Appends decimal digits of value to buf at *len (no snprintf: not async-signal-safe).
void append_number(char* buf, std::size_t* len, std::size_t cap, unsigned long value) {
  char digits[24];
  std::size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0 && *len + 1 < cap) buf[(*len)++] = digits[--n];
}

void append_text(char* buf, std::size_t* len, std::size_t cap, const char* text) {
  while (*text != '\0' && *len + 1 < cap) buf[(*len)++] = *text++;
}

// /etc/passwd or /etc/group with root, nobody, and the run's own user "sandbox", whose home is
// the work directory: programs that look their user up (getpass.getuser, ~) find one.
bool write_identity(const SetupStep& step, uid_t uid, gid_t gid) {
  char buf[512];
  std::size_t len = 0;
  const bool passwd = std::strcmp(step.text, "passwd") == 0;
  if (passwd) {
    append_text(buf, &len, sizeof buf,
                "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
                "sandbox:x:");
    append_number(buf, &len, sizeof buf, uid);
    append_text(buf, &len, sizeof buf, ":");
    append_number(buf, &len, sizeof buf, gid);
    append_text(buf, &len, sizeof buf, ":goodput sandbox:/work:/usr/sbin/nologin\n");
  } else {
    append_text(buf, &len, sizeof buf, "root:x:0:\nnogroup:x:65534:\nsandbox:x:");
    append_number(buf, &len, sizeof buf, gid);
    append_text(buf, &len, sizeof buf, ":\n");
  }
  const int fd = ::open(step.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool ok = write_all(fd, buf, len);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

bool loopback_up() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ifreq request{};
  std::memcpy(request.ifr_name, "lo", 3);
  bool ok = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
  if (ok) {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
    ok = ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  }
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

bool run_step(const SetupStep& step, uid_t uid, gid_t gid) {
  switch (step.op) {
    case SetupOp::make_mounts_private:
      return ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
    case SetupOp::mount:
      return ::mount(step.source, step.path, step.text, step.flags, step.options) == 0;
    case SetupOp::bind:
      return ::mount(step.source, step.path, nullptr, MS_BIND | step.flags, nullptr) == 0;
    case SetupOp::remount:
      return ::mount(nullptr, step.path, nullptr, MS_REMOUNT | MS_BIND | step.flags, nullptr) == 0;
    case SetupOp::mkdir:
      if (::mkdir(step.path, step.mode) != 0) return false;
      return !step.chown_run || ::lchown(step.path, uid, gid) == 0;
    case SetupOp::touch: {
      const int fd = ::open(step.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0) return false;
      ::close(fd);
      return true;
    }
    case SetupOp::symlink: return ::symlink(step.source, step.path) == 0;
    case SetupOp::write_file: {
      // O_EXCL|O_NOFOLLOW: the directory is fresh and nothing else writes to it yet, so an
      // existing entry means a bug, never something to follow.
      const int fd =
          ::open(step.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, step.mode);
      if (fd < 0) return false;
      bool ok = write_all(fd, step.data, step.size);
      if (ok && step.chown_run) ok = ::fchown(fd, uid, gid) == 0;
      const int saved = errno;
      ::close(fd);
      errno = saved;
      return ok;
    }
    case SetupOp::write_identity: return write_identity(step, uid, gid);
    case SetupOp::chown_run: return ::lchown(step.path, uid, gid) == 0;
    case SetupOp::detach: return ::umount2(step.path, MNT_DETACH) == 0;
    case SetupOp::rmdir: return ::rmdir(step.path) == 0;
    case SetupOp::pivot_root:
      // pivot_root(".", "."): the old root ends up on top of the new one and is detached at
      // once, so no directory for it is needed in the (read-only) new root.
      if (::chdir(step.path) != 0) return false;
      if (::syscall(SYS_pivot_root, ".", ".") != 0) return false;
      if (::umount2(".", MNT_DETACH) != 0) return false;
      return ::chdir("/") == 0;
    case SetupOp::loopback_up: return loopback_up();
    case SetupOp::set_hostname: return ::sethostname(step.text, std::strlen(step.text)) == 0;
  }
  errno = EINVAL;
  return false;
}

}  // namespace

int run_setup_steps(const SetupStep* steps, std::size_t count, uid_t run_uid, gid_t run_gid) {
  const mode_t old_umask = ::umask(0);
  for (std::size_t i = 0; i < count; ++i) {
    if (run_step(steps[i], run_uid, run_gid)) continue;
    if (steps[i].optional && errno == ENOENT) continue;
    const int saved = errno;
    ::umask(old_umask);
    errno = saved;
    return static_cast<int>(i);
  }
  ::umask(old_umask);
  return -1;
}

}  // namespace goodput::sandbox::detail
