// SPDX-License-Identifier: MIT
#include "support/shared_outputs.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <stdexcept>

#include "support/files.hpp"

namespace goodput::test {

namespace fs = std::filesystem;

namespace {

// Holds an exclusive flock on a file for its lifetime.
class FileLock {
 public:
  explicit FileLock(const fs::path& path) : m_fd(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644)) {
    if (m_fd < 0 || ::flock(m_fd, LOCK_EX) != 0) throw std::runtime_error("cannot lock " + path.string());
  }
  ~FileLock() {
    if (m_fd >= 0) ::close(m_fd);  // releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int m_fd;
};

bool up_to_date(const fs::path& stamp, const std::vector<fs::path>& inputs) {
  std::error_code ec;
  const auto made = fs::last_write_time(stamp, ec);
  if (ec) return false;
  for (const auto& input : inputs) {
    const auto changed = fs::last_write_time(input, ec);
    if (ec || changed >= made) return false;
  }
  return true;
}

}  // namespace

fs::path shared_outputs(const std::string& name, const std::vector<fs::path>& inputs, const std::function<void(const fs::path& dir)>& produce) {
  const fs::path root = fs::path(GOODPUT_TEST_BINARY_DIR) / "shared-outputs";
  fs::create_directories(root);
  const fs::path dir = root / name;
  const fs::path stamp = root / (name + ".made");
  const FileLock lock(root / (name + ".lock"));
  if (!up_to_date(stamp, inputs)) {
    fs::remove(stamp);
    fs::remove_all(dir);
    fs::create_directories(dir);
    produce(dir);
    write_file(stamp, name + "\n");
  }
  return dir;
}

}  // namespace goodput::test
