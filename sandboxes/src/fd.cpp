// SPDX-License-Identifier: MIT
#include "fd.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace goodput::sandbox::detail {
namespace {

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Moves fd to the lowest free number >= min_fd (keeping O_CLOEXEC), closing the original.
Fd renumbered(Fd fd, int min_fd) {
  if (fd.get() >= min_fd) return fd;
  const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, min_fd);
  if (moved < 0) throw_errno("fcntl(F_DUPFD_CLOEXEC)");
  return Fd(moved);
}

}  // namespace

void Fd::reset() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
}

Pipe make_pipe(int min_write_fd) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2");
  Pipe pipe{Fd(fds[0]), Fd(fds[1])};
  if (::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK) != 0) throw_errno("fcntl");
  pipe.write = renumbered(std::move(pipe.write), min_write_fd);
  return pipe;
}

Fd make_memory_file(std::string_view name, std::string_view content, int min_fd, bool writable) {
  Fd fd(::memfd_create(std::string(name).c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd.valid()) throw_errno("memfd_create");
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("writing a memfd");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) throw_errno("lseek");
  // Whoever reads it (bubblewrap, which runs as the run's user) cannot change it.
  if (!writable) ::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  return renumbered(std::move(fd), min_fd);
}

}  // namespace goodput::sandbox::detail
