// SPDX-License-Identifier: MIT
#include "memory_cgroup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>
#include <vector>

namespace goodput::sandbox::detail {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool write_text(const std::string& path, const std::string& text) {
  const Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  return ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

// The value after `key ` in a flat keyed file (memory.events, memory.oom_control).
std::uint64_t keyed_value(const std::string& text, const std::string& key) {
  for (const std::string& line : split(text, '\n')) {
    if (line.rfind(key + " ", 0) == 0) return std::stoull(line.substr(key.size() + 1));
  }
  return 0;
}

struct Mount {
  std::string point;
  std::string fstype;
  std::string super_options;
};

// Mount points of cgroup file systems, from /proc/self/mountinfo (the 5th field is the mount
// point; after " - " come the type, the source and the super options).
std::vector<Mount> cgroup_mounts() {
  std::vector<Mount> mounts;
  for (const std::string& line : split(read_text("/proc/self/mountinfo"), '\n')) {
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    const std::vector<std::string> before = split(line.substr(0, dash), ' ');
    const std::vector<std::string> after = split(line.substr(dash + 3), ' ');
    if (before.size() < 5 || after.size() < 3) continue;
    if (after[0] != "cgroup" && after[0] != "cgroup2") continue;
    mounts.push_back({before[4], after[0], after[2]});
  }
  return mounts;
}

bool has_option(const std::string& options, const std::string& name) {
  for (const std::string& option : split(options, ',')) {
    if (option == name) return true;
  }
  return false;
}

// Whether a run cgroup can be made under `parent` with the memory files of `version`.
std::string try_parent(const std::string& parent, int version) {
  const std::string probe = parent + "/goodput-probe-" + std::to_string(::getpid());
  if (::mkdir(probe.c_str(), 0755) != 0 && errno != EEXIST) {
    return "cannot create a cgroup in " + parent + ": " + std::generic_category().message(errno);
  }
  const char* limit_file = version == 2 ? "/memory.max" : "/memory.limit_in_bytes";
  struct stat st {};
  const bool has_limit = ::stat((probe + limit_file).c_str(), &st) == 0;
  ::rmdir(probe.c_str());
  if (!has_limit) {
    return version == 2 ? "goodput's cgroup " + parent +
                              " does not delegate the memory controller to its children (run "
                              "goodput in a cgroup of its own with memory delegated, e.g. "
                              "`systemd-run --scope -p Delegate=yes goodput ...`)"
                        : "no memory.limit_in_bytes in " + parent;
  }
  return {};
}

CgroupSupport probe() {
  CgroupSupport support;
  std::string own_v2;
  std::string own_v1_memory;
  for (const std::string& line : split(read_text("/proc/self/cgroup"), '\n')) {
    const std::vector<std::string> fields = split(line, ':');
    if (fields.size() < 3) continue;
    const std::string path = line.substr(fields[0].size() + fields[1].size() + 2);
    if (fields[0] == "0" && fields[1].empty()) own_v2 = path;
    if (has_option(fields[1], "memory")) own_v1_memory = path;
  }
  std::vector<std::string> reasons;
  for (const Mount& mount : cgroup_mounts()) {
    if (mount.fstype == "cgroup2" && !own_v2.empty()) {
      const std::string parent = mount.point + (own_v2 == "/" ? "" : own_v2);
      if (read_text(parent + "/cgroup.controllers").find("memory") == std::string::npos) continue;
      const std::string why_not = try_parent(parent, 2);
      if (why_not.empty()) return {true, 2, parent, {}};
      reasons.push_back(why_not);
    }
  }
  for (const Mount& mount : cgroup_mounts()) {
    if (mount.fstype == "cgroup" && has_option(mount.super_options, "memory") &&
        !own_v1_memory.empty()) {
      const std::string parent = mount.point + (own_v1_memory == "/" ? "" : own_v1_memory);
      const std::string why_not = try_parent(parent, 1);
      if (why_not.empty()) return {true, 1, parent, {}};
      reasons.push_back(why_not);
    }
  }
  support.why_not = reasons.empty() ? "no memory cgroup controller is mounted" : reasons.front();
  for (std::size_t i = 1; i < reasons.size(); ++i) support.why_not += "; " + reasons[i];
  return support;
}

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

// Run cgroups of goodput processes that were killed before they could remove them (SIGKILL,
// a crash): empty, but they would pile up. Named goodput-<pid>-<n>; removed when that pid is
// gone. rmdir refuses a cgroup that still has processes, so nothing live is touched.
void remove_stale_run_cgroups(const std::string& parent) {
  DIR* dir = ::opendir(parent.c_str());
  if (dir == nullptr) return;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.rfind("goodput-", 0) != 0) continue;
    std::size_t digits_start = std::string("goodput-").size();
    if (name.rfind("goodput-probe-", 0) == 0) digits_start = std::string("goodput-probe-").size();
    const std::size_t digits_end = name.find_first_not_of("0123456789", digits_start);
    if (digits_end == digits_start) continue;
    const auto pid = static_cast<pid_t>(std::stol(name.substr(digits_start, digits_end - digits_start)));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    ::rmdir((parent + "/" + name).c_str());
  }
  ::closedir(dir);
}

const CgroupSupport& memory_cgroup_support() {
  static std::once_flag once;
  static CgroupSupport support;
  std::call_once(once, [] {
    support = probe();
    if (support.available) remove_stale_run_cgroups(support.parent);
  });
  return support;
}

RunCgroup::RunCgroup(const CgroupSupport& support, std::uint64_t limit_bytes)
    : m_version(support.version) {
  static std::atomic<unsigned long> counter{0};
  m_path = support.parent + "/goodput-" + std::to_string(::getpid()) + "-" +
           std::to_string(counter++);
  if (::mkdir(m_path.c_str(), 0755) != 0) throw_errno("cannot create the cgroup " + m_path);
  const std::string limit = std::to_string(limit_bytes);
  bool limited = false;
  if (m_version == 2) {
    limited = write_text(m_path + "/memory.max", limit);
    write_text(m_path + "/memory.swap.max", "0");  // no swap: the limit is the limit
  } else {
    limited = write_text(m_path + "/memory.limit_in_bytes", limit);
    write_text(m_path + "/memory.memsw.limit_in_bytes", limit);  // only where swap accounting is on
  }
  if (limited) m_procs = Fd(::open((m_path + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
  if (!limited || !m_procs.valid()) {
    const int saved = errno;
    ::rmdir(m_path.c_str());
    errno = saved;
    throw_errno("cannot set up the cgroup " + m_path);
  }
}

RunCgroup::~RunCgroup() {
  m_procs.reset();
  // The last processes of the run may still be leaving the cgroup when the supervisor has been
  // reaped (exit is not atomic for the cgroup's bookkeeping): retry briefly.
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (::rmdir(m_path.c_str()) == 0 || errno != EBUSY) return;
    ::usleep(1000);
  }
}

bool RunCgroup::oom_killed() const {
  try {
    if (m_version == 2) return keyed_value(read_text(m_path + "/memory.events"), "oom_kill") > 0;
    return keyed_value(read_text(m_path + "/memory.oom_control"), "oom_kill") > 0;
  } catch (const std::exception&) {
    return false;
  }
}

std::uint64_t RunCgroup::peak_bytes() const {
  try {
    const std::string text =
        read_text(m_path + (m_version == 2 ? "/memory.peak" : "/memory.max_usage_in_bytes"));
    return text.empty() ? 0 : std::stoull(text);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace goodput::sandbox::detail
