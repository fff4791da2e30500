// SPDX-License-Identifier: MIT
#include "work_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace goodput::sandbox::detail {
namespace {

// Deeper trees than this (the command may build them on purpose) are left to
// std::filesystem::remove_all, so removal never runs out of descriptors or stack.
constexpr int k_max_remove_depth = 256;
constexpr int k_max_scan_entries = 100'000;

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Every ancestor of `dir` must be searchable by others when the command runs as another user
// (the process backend's HOME/TMPDIR and bwrap's bind source are reached by path).
bool reachable_by_others(const std::filesystem::path& dir) {
  std::filesystem::path current;
  for (const auto& part : dir) {
    current /= part;
    struct stat st {};
    if (::stat(current.c_str(), &st) != 0) return false;
    if (!S_ISDIR(st.st_mode) || (st.st_mode & S_IXOTH) == 0) return false;
  }
  return true;
}

// A world-writable sticky directory on a tmpfs that allows exec: /dev/shm on most Linux systems.
bool usable_tmpfs(const char* dir) {
  struct stat st {};
  struct statfs fs {};
  struct statvfs vfs {};
  return ::stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 01777) == 01777 &&
         ::statfs(dir, &fs) == 0 && fs.f_type == TMPFS_MAGIC && ::statvfs(dir, &vfs) == 0 &&
         (vfs.f_flag & ST_NOEXEC) == 0 && ::access(dir, W_OK | X_OK) == 0;
}

// Where work directories go: $TMPDIR when set (the user's choice), else /dev/shm when it is a
// usable tmpfs, else /tmp. Why /dev/shm before /tmp: creating and removing a directory on a
// RAM file system costs microseconds, while on a disk it can cost milliseconds (on the ext4
// with online discard this was measured on, one rmdir took ~4 ms, half the cost of a whole
// sandboxed Python run). The price is that the files live in RAM, as they do wherever /tmp is
// a tmpfs (Debian 13, Fedora, Arch): RLIMIT_FSIZE bounds each file, not their number.
std::string base_directory(const std::optional<Credentials>& owner) {
  const char* tmpdir = std::getenv("TMPDIR");
  if (tmpdir != nullptr && tmpdir[0] == '/') {
    std::error_code ec;
    if (std::filesystem::is_directory(tmpdir, ec) && (!owner || reachable_by_others(tmpdir))) {
      return tmpdir;
    }
  }
  if (usable_tmpfs("/dev/shm")) return "/dev/shm";
  return "/tmp";
}

void remove_entry(int parent_fd, const char* name, int depth, const std::string& full_path) {
  if (::unlinkat(parent_fd, name, 0) == 0 || errno == ENOENT) return;
  if (errno != EISDIR && errno != EPERM) return;
  if (depth >= k_max_remove_depth) {
    std::error_code ec;
    std::filesystem::remove_all(full_path, ec);
    return;
  }
  // The command may have made a directory unreadable (it runs as its owner without a drop).
  ::fchmodat(parent_fd, name, 0700, 0);
  const int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return;
  }
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string child = entry->d_name;
    if (child != "." && child != "..") names.push_back(child);
  }
  for (const std::string& child : names) {
    remove_entry(::dirfd(dir), child.c_str(), depth + 1, full_path + "/" + child);
  }
  ::closedir(dir);
  ::unlinkat(parent_fd, name, AT_REMOVEDIR);
}

bool scan_for_size(int dir_fd, std::uint64_t bytes, int depth, int& budget) {
  const int fd = ::dup(dir_fd);
  if (fd < 0) return false;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return false;
  }
  bool found = false;
  while (const dirent* entry = ::readdir(dir)) {
    if (--budget <= 0) break;
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::fstatat(::dirfd(dir), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) >= bytes) {
      found = true;
      break;
    }
    if (S_ISDIR(st.st_mode) && depth < 32) {
      const int child = ::openat(::dirfd(dir), name.c_str(),
                                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child < 0) continue;
      found = scan_for_size(child, bytes, depth + 1, budget);
      ::close(child);
      if (found) break;
    }
  }
  ::closedir(dir);
  return found;
}

}  // namespace

std::vector<std::string> checked_components(const std::string& path) {
  if (path.empty() || path.front() == '/') {
    throw std::invalid_argument("sandbox file path must be relative and non-empty: \"" + path + "\"");
  }
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find('/', begin), path.size());
    const std::string part = path.substr(begin, end - begin);
    if (part.empty() || part == "." || part == ".." || part.find('\0') != std::string::npos) {
      throw std::invalid_argument("sandbox file path has an empty, \".\" or \"..\" component: \"" +
                                  path + "\"");
    }
    parts.push_back(part);
    begin = end + 1;
  }
  return parts;
}

WorkDir::WorkDir(const std::optional<Credentials>& owner) : m_owner(owner) {
  std::string pattern = base_directory(owner) + "/goodput-sandbox-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw_errno("cannot create the work directory");
  m_path = pattern;
  // For another user: keep goodput as the owner and give the command's group rwx. In a sticky
  // /tmp only an entry's owner may rename it, so the command cannot move the directory away
  // and leave a symlink in its place for goodput to follow.
  if (m_owner && (::chown(m_path.c_str(), static_cast<uid_t>(-1), m_owner->gid) != 0 ||
                  ::chmod(m_path.c_str(), 0770) != 0)) {
    const int saved = errno;
    ::rmdir(m_path.c_str());
    errno = saved;
    throw_errno("cannot give the work directory to gid " + std::to_string(m_owner->gid));
  }
}

WorkDir::~WorkDir() {
  if (m_path.empty()) return;
  const auto slash = m_path.rfind('/');
  const std::string parent = m_path.substr(0, slash == 0 ? 1 : slash);
  const std::string name = m_path.substr(slash + 1);
  const int parent_fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd < 0) return;
  remove_entry(parent_fd, name.c_str(), 0, m_path);
  ::close(parent_fd);
}

void WorkDir::write_files(const std::vector<File>& files) {
  // Nothing has run in the directory yet, so plain path operations are safe here.
  for (const File& file : files) {
    const std::vector<std::string> parts = checked_components(file.path);
    std::string current = m_path;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      current += "/" + parts[i];
      if (::mkdir(current.c_str(), 0755) != 0) {
        if (errno != EEXIST) throw_errno("cannot create " + current);
      } else if (m_owner) {
        ::chown(current.c_str(), m_owner->uid, m_owner->gid);
      }
    }
    current += "/" + parts.back();
    const int fd = ::open(current.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) throw_errno("cannot create " + current);
    std::size_t done = 0;
    while (done < file.content.size()) {
      const ssize_t n = ::write(fd, file.content.data() + done, file.content.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int saved = errno;
        ::close(fd);
        errno = saved;
        throw_errno("cannot write " + current);
      }
      done += static_cast<std::size_t>(n);
    }
    if (m_owner) ::fchown(fd, m_owner->uid, m_owner->gid);
    ::close(fd);
  }
}

std::map<std::string, std::string> WorkDir::read_back(const std::vector<std::string>& names,
                                                      std::size_t max_bytes) const {
  std::map<std::string, std::string> result;
  for (const std::string& name : names) {
    std::vector<std::string> parts;
    try {
      parts = checked_components(name);
    } catch (const std::invalid_argument&) {
      continue;
    }
    int dir = ::open(m_path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    for (std::size_t i = 0; dir >= 0 && i + 1 < parts.size(); ++i) {
      const int next = ::openat(dir, parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      ::close(dir);
      dir = next;
    }
    if (dir < 0) continue;
    // O_NONBLOCK: a FIFO planted by the command must not block goodput.
    const int fd = ::openat(dir, parts.back().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    ::close(dir);
    if (fd < 0) continue;
    struct stat st {};
    // A second link could be a hard link to a file outside the directory.
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
      ::close(fd);
      continue;
    }
    std::string content;
    char buf[64 * 1024];
    while (content.size() < max_bytes) {
      const ssize_t n = ::read(fd, buf, std::min(sizeof buf, max_bytes - content.size()));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      content.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    result.emplace(name, std::move(content));
  }
  return result;
}

bool WorkDir::has_file_of_at_least(std::uint64_t bytes) const {
  const int dir = ::open(m_path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0) return false;
  int budget = k_max_scan_entries;
  const bool found = scan_for_size(dir, bytes, 0, budget);
  ::close(dir);
  return found;
}

}  // namespace goodput::sandbox::detail
