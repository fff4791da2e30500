// SPDX-License-Identifier: MIT
// An owned file descriptor, and the pipes and memory files the backends hand to a run.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

namespace goodput::sandbox::detail {

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
  bool valid() const { return m_fd >= 0; }
  void reset();

 private:
  int m_fd = -1;
};

struct Pipe {
  Fd read;   // O_NONBLOCK, O_CLOEXEC
  Fd write;  // O_CLOEXEC, numbered at least min_fd
};

// Descriptors handed to a run are numbered from here up, so that they never take 0-2 or a
// number Boost.Process or the supervisor uses for its own pipes (those get the lowest free).
inline constexpr int k_first_passed_fd = 10;

// Throws std::system_error.
Pipe make_pipe(int min_write_fd = 0);

// A memfd holding `content`, positioned at its start, numbered at least min_fd; sealed against
// any change unless `writable`. Throws std::system_error.
Fd make_memory_file(std::string_view name, std::string_view content, int min_fd,
                    bool writable = false);

}  // namespace goodput::sandbox::detail
