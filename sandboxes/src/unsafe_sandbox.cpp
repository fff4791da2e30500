// SPDX-License-Identifier: MIT
// The unsafe-none backend, for machines that refuse every namespace (some containers): the
// command runs on the host's file system in a process group swept by a subreaper supervisor,
// with rlimits, the seccomp filter and (when goodput is root) a uid of the run's own. It can
// read whatever that uid can read on the host and reach the network. A task gets it only by
// asking for `sandbox: unsafe-none`; "auto" never picks it.
//
// The work directory: one directory per goodput process made with mkdtemp (mode 0711, so the
// run's uid can reach its own directory but not list others), and in it one mkdtemp directory
// per run, filled by the supervisor (O_EXCL|O_NOFOLLOW on every file) and handed to the run's
// uid last. goodput never reads anything back from it; it only removes it, without following
// anything the command left there.
#include "common.hpp"
#include "private_root.hpp"
#include "seccomp_filter.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <system_error>

namespace goodput::sandbox::detail {
namespace {

// Deeper trees than this (the command may build them on purpose) are left to
// std::filesystem::remove_all, so removal never runs out of descriptors or stack.
constexpr int k_max_remove_depth = 256;

void remove_entry(int parent_fd, const char* name, int depth, const std::string& full_path) {
  if (::unlinkat(parent_fd, name, 0) == 0 || errno == ENOENT) return;
  if (errno != EISDIR && errno != EPERM) return;
  if (depth >= k_max_remove_depth) {
    std::error_code ec;
    std::filesystem::remove_all(full_path, ec);
    return;
  }
  // The command may have made a directory unreadable.
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

void remove_tree(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string parent = path.substr(0, slash == 0 ? 1 : slash);
  const int parent_fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd < 0) return;
  remove_entry(parent_fd, path.substr(slash + 1).c_str(), 0, path);
  ::close(parent_fd);
}

// The per-process directory, made on first use and removed when goodput exits normally.
class ProcessDirectory {
 public:
  ProcessDirectory() {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string base = tmpdir != nullptr && tmpdir[0] == '/' ? tmpdir : "/tmp";
    std::string pattern = base + "/goodput-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      error = "cannot create a directory in " + base + ": " + std::generic_category().message(errno);
      return;
    }
    if (::chmod(pattern.c_str(), 0711) != 0) {
      error = "cannot set the mode of " + pattern;
      ::rmdir(pattern.c_str());
      return;
    }
    path = pattern;
  }
  ~ProcessDirectory() {
    if (!path.empty()) remove_tree(path);
  }
  std::string path;
  std::string error;
};

ProcessDirectory& process_directory() {
  static ProcessDirectory directory;
  return directory;
}

class RunDirectory {
 public:
  explicit RunDirectory(const std::string& base) {
    std::string pattern = base + "/run-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "cannot create the work directory");
    }
    m_path = pattern;
  }
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;
  ~RunDirectory() { remove_tree(m_path); }
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

struct UnsafeSetup {
  bool usable = false;
  std::string why_not;
  const SeccompProgram* seccomp = nullptr;
  Isolation isolation;
};

Result run_with(const UnsafeSetup& setup, const Request& request) {
  LaunchPlan plan;
  if (auto failure = resolve_command(request, setup.isolation, plan.executable)) return *failure;
  const ProcessDirectory& base = process_directory();
  if (base.path.empty()) return start_failure(base.error, setup.isolation);
  try {
    const RunDirectory dir(base.path);
    const SetupScript steps = host_work_dir_steps(dir.path(), request);
    plan.args.assign(request.argv.begin() + 1, request.argv.end());
    plan.env = scrubbed_environment(request, dir.path(), dir.path());
    plan.cwd = dir.path();
    plan.distinct_uid = setup.isolation.distinct_uid;
    plan.scripts = {&steps};
    plan.seccomp = &setup.seccomp->fprog;
    plan.result_channel = request.result_channel;
    plan.limits = request.limits;
    return launch_and_judge(plan, request, StatusConvention::wait_status, setup.isolation);
  } catch (const std::exception& e) {
    return start_failure(e.what(), setup.isolation);
  }
}

const UnsafeSetup& cached_setup() {
  static std::once_flag once;
  static UnsafeSetup setup;
  std::call_once(once, [] {
    setup.seccomp = machine_seccomp_program(&setup.why_not);
    if (setup.seccomp == nullptr) return;
    setup.isolation = base_isolation("unsafe-none", ::geteuid() == 0, false);
    setup.isolation.scratch = "NO quota (the work directory is on the host's file system)";
    setup.usable = true;
  });
  return setup;
}

}  // namespace

std::unique_ptr<Sandbox> make_unsafe_sandbox(std::string* why_not) {
  return make_probed(cached_setup(), why_not);
}

}  // namespace goodput::sandbox::detail
