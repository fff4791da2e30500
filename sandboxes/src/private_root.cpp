// SPDX-License-Identifier: MIT
#include "private_root.hpp"

#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <stdexcept>

namespace goodput::sandbox::detail {
namespace {

// What programs need from /etc: the loader's cache, name service basics, the time zone, MIME
// types, Python's own configuration. /etc/passwd and /etc/group are written fresh (they would
// tell the run the host's user names).
const char* const k_etc_names[] = {"ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives",
                                   "localtime", "nsswitch.conf", "hosts", "mime.types"};
const char* const k_devices[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                 "/dev/urandom"};
// Where an installed goodput keeps task files and their fixtures (expected outputs included):
// under /usr, which the run sees, so they are covered.
const char* const k_hidden[] = {"/usr/share/goodput", "/usr/local/share/goodput"};

// The flags a mount in a user namespace must keep when it is remounted (the kernel locks them).
unsigned long locked_flags_of(const std::string& path) {
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) != 0) return 0;
  unsigned long flags = 0;
  if ((vfs.f_flag & ST_NOSUID) != 0) flags |= MS_NOSUID;
  if ((vfs.f_flag & ST_NODEV) != 0) flags |= MS_NODEV;
  if ((vfs.f_flag & ST_NOEXEC) != 0) flags |= MS_NOEXEC;
  if ((vfs.f_flag & ST_NOATIME) != 0) flags |= MS_NOATIME;
  if ((vfs.f_flag & ST_NODIRATIME) != 0) flags |= MS_NODIRATIME;
  if ((vfs.f_flag & ST_RELATIME) != 0) flags |= MS_RELATIME;
  return flags;
}

void add_host_path(std::vector<SystemEntry>& view, const std::string& path, bool device) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;
  SystemEntry entry;
  entry.path = path;
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    const ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
    if (n <= 0) return;
    entry.kind = SystemEntry::Kind::symlink;
    entry.link_target.assign(target, static_cast<std::size_t>(n));
  } else if (S_ISDIR(st.st_mode)) {
    entry.kind = SystemEntry::Kind::directory;
  } else if (device && S_ISCHR(st.st_mode)) {
    entry.kind = SystemEntry::Kind::device;
  } else if (!device && S_ISREG(st.st_mode)) {
    entry.kind = SystemEntry::Kind::file;
  } else {
    return;
  }
  entry.locked_flags = locked_flags_of(path);
  view.push_back(std::move(entry));
}

std::vector<SystemEntry> build_view() {
  std::vector<SystemEntry> view;
  add_host_path(view, "/usr", false);
  // /bin, /lib... are symlinks into /usr on merged-/usr systems (Debian 12), directories on
  // older layouts.
  for (const char* name : {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
    add_host_path(view, name, false);
  }
  std::vector<std::string> etc(std::begin(k_etc_names), std::end(k_etc_names));
  if (DIR* dir = ::opendir("/etc")) {
    while (const dirent* entry = ::readdir(dir)) {
      const std::string name = entry->d_name;
      if (name.rfind("python", 0) == 0) etc.push_back(name);
    }
    ::closedir(dir);
  }
  std::sort(etc.begin(), etc.end());
  for (const std::string& name : etc) add_host_path(view, "/etc/" + name, false);
  for (const char* device : k_devices) add_host_path(view, device, true);
  for (const char* hidden : k_hidden) {
    struct stat st {};
    if (::lstat(hidden, &st) == 0 && S_ISDIR(st.st_mode)) {
      view.push_back({SystemEntry::Kind::hidden, hidden, {}, 0});
    }
  }
  return view;
}

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

// mkdir steps for every missing ancestor of `path` below `root`, remembered in `made`.
void make_parents(SetupScript& script, std::set<std::string>& made, const std::string& root,
                  const std::string& path) {
  std::vector<std::string> missing;
  for (std::string dir = parent_of(path); dir.size() > root.size() && !made.count(dir);
       dir = parent_of(dir)) {
    missing.push_back(dir);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    script.add(SetupOp::mkdir, *it).mode = 0755;
    made.insert(*it);
  }
}

// The request's files under `dir` (which exists), with the directories they need, all owned
// by the run's user.
void add_file_steps(SetupScript& script, const std::string& dir, const Request& request) {
  std::set<std::string> made{dir};
  for (const File& file : request.files) {
    checked_components(file.path);
    const std::string path = dir + "/" + file.path;
    std::vector<std::string> missing;
    for (std::string parent = parent_of(path); !made.count(parent); parent = parent_of(parent)) {
      missing.push_back(parent);
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
      SetupStep& step = script.add(SetupOp::mkdir, *it);
      step.mode = 0755;
      step.chown_run = true;
      made.insert(*it);
    }
    SetupStep& write = script.add(SetupOp::write_file, path);
    write.data = file.content.data();  // the request outlives the run
    write.size = file.content.size();
    write.mode = 0644;
    write.chown_run = true;
  }
}

std::string op_name(SetupOp op) {
  switch (op) {
    case SetupOp::make_mounts_private: return "making mounts private";
    case SetupOp::mount: return "mounting";
    case SetupOp::bind: return "bind-mounting";
    case SetupOp::remount: return "remounting";
    case SetupOp::mkdir: return "creating directory";
    case SetupOp::touch: return "creating mount point";
    case SetupOp::symlink: return "creating symlink";
    case SetupOp::write_file: return "writing";
    case SetupOp::write_identity: return "writing";
    case SetupOp::chown_run: return "handing to the run's user";
    case SetupOp::detach: return "unmounting";
    case SetupOp::rmdir: return "removing";
    case SetupOp::pivot_root: return "pivot_root into";
    case SetupOp::loopback_up: return "bringing up the loopback interface";
    case SetupOp::set_hostname: return "setting the host name";
  }
  return "setting up";
}

}  // namespace

const std::vector<SystemEntry>& system_view() {
  static std::once_flag once;
  static std::vector<SystemEntry> view;
  std::call_once(once, [] { view = build_view(); });
  return view;
}

SetupStep& SetupScript::add(SetupOp op, const std::string& path) {
  SetupStep step;
  step.op = op;
  step.path = path.empty() ? nullptr : keep(path);
  m_steps.push_back(step);
  return m_steps.back();
}

const char* SetupScript::keep(std::string text) {
  m_strings.push_back(std::move(text));
  return m_strings.back().c_str();
}

std::string SetupScript::describe(std::size_t index) const {
  if (index >= m_steps.size()) return "setting up";
  const SetupStep& step = m_steps[index];
  std::string text = op_name(step.op);
  if (step.source != nullptr && step.op != SetupOp::symlink) text += std::string(" ") + step.source + " on";
  if (step.path != nullptr) text += std::string(" ") + step.path;
  if (step.op == SetupOp::mount && step.text != nullptr) text += std::string(" (") + step.text + ")";
  return text;
}

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

std::string staging_directory() {
  for (const char* dir : {"/tmp", "/mnt", "/run", "/var/tmp"}) {
    struct stat st {};
    if (::lstat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return dir;
  }
  return {};
}

SetupScript root_prologue(const std::string& staging) {
  const std::string& s = staging;
  SetupScript script;
  script.add(SetupOp::loopback_up, "");
  script.add(SetupOp::set_hostname, "").text = script.keep("goodput-sandbox");
  script.add(SetupOp::make_mounts_private, "");
  SetupStep& root = script.add(SetupOp::mount, s);
  root.source = script.keep("goodput-root");
  root.text = script.keep("tmpfs");
  root.flags = MS_NOSUID | MS_NODEV;
  root.options = script.keep("mode=0755,size=1m,nr_inodes=4096");

  std::set<std::string> made;
  for (const std::string dir : {"/etc", "/dev", "/proc", "/var"}) {
    script.add(SetupOp::mkdir, s + dir).mode = 0755;
    made.insert(s + dir);
  }
  // /dev first: a small tmpfs of its own for the device binds.
  SetupStep& dev = script.add(SetupOp::mount, s + "/dev");
  dev.source = script.keep("goodput-dev");
  dev.text = script.keep("tmpfs");
  dev.flags = MS_NOSUID | MS_NOEXEC;
  dev.options = script.keep("mode=0755,size=64k,nr_inodes=64");

  for (const SystemEntry& entry : system_view()) {
    const std::string inside = s + entry.path;
    // A hidden directory lies inside a bound one: it exists already.
    if (entry.kind != SystemEntry::Kind::hidden) make_parents(script, made, s, inside);
    switch (entry.kind) {
      case SystemEntry::Kind::symlink:
        script.add(SetupOp::symlink, inside).source = script.keep(entry.link_target);
        break;
      case SystemEntry::Kind::directory:
      case SystemEntry::Kind::file: {
        const bool dir = entry.kind == SystemEntry::Kind::directory;
        if (dir) {
          script.add(SetupOp::mkdir, inside).mode = 0755;
        } else {
          script.add(SetupOp::touch, inside);
        }
        made.insert(inside);
        SetupStep& bind = script.add(SetupOp::bind, inside);
        bind.source = script.keep(entry.path);
        bind.flags = dir ? MS_REC : 0;
        bind.optional = true;
        SetupStep& ro = script.add(SetupOp::remount, inside);
        ro.flags = MS_RDONLY | MS_NOSUID | MS_NODEV | entry.locked_flags;
        break;
      }
      case SystemEntry::Kind::device: {
        script.add(SetupOp::touch, inside);
        SetupStep& bind = script.add(SetupOp::bind, inside);
        bind.source = script.keep(entry.path);
        bind.optional = true;
        break;
      }
      case SystemEntry::Kind::hidden: {
        SetupStep& cover = script.add(SetupOp::mount, inside);
        cover.source = script.keep("goodput-hidden");
        cover.text = script.keep("tmpfs");
        cover.flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
        cover.options = script.keep("size=4k,nr_inodes=1");
        break;
      }
    }
  }
  for (const auto& [name, target] :
       std::vector<std::pair<std::string, std::string>>{{"fd", "/proc/self/fd"},
                                                        {"stdin", "/proc/self/fd/0"},
                                                        {"stdout", "/proc/self/fd/1"},
                                                        {"stderr", "/proc/self/fd/2"}}) {
    script.add(SetupOp::symlink, s + "/dev/" + name).source = script.keep(target);
  }
  SetupStep& proc = script.add(SetupOp::mount, s + "/proc");
  proc.source = script.keep("proc");
  proc.text = script.keep("proc");
  proc.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  // hidepid=2: the run's PID 1 (a fork of goodput, root) is invisible to the command, so its
  // command line (goodput's: task and models file names) cannot be read from /proc/1.
  proc.options = script.keep("hidepid=2");
  for (const std::string dir : {"/work", "/tmp", "/run", "/var/tmp", "/dev/shm", "/.scratch"}) {
    if (!made.count(s + dir)) script.add(SetupOp::mkdir, s + dir).mode = 0755;
  }
  return script;
}

SetupScript root_run_steps(const std::string& staging, const Request& request) {
  const std::string& s = staging;
  const std::string scratch = s + "/.scratch";
  SetupScript script;
  const std::uint64_t bytes = std::max<std::uint64_t>(request.limits.scratch_bytes, 1u << 20);
  // Inodes cost memory that `size` does not count: one per 4 KiB of quota, at least 1024.
  const std::uint64_t inodes = std::max<std::uint64_t>(1024, bytes / 4096);
  SetupStep& mount = script.add(SetupOp::mount, scratch);
  mount.source = script.keep("goodput-scratch");
  mount.text = script.keep("tmpfs");
  mount.flags = MS_NOSUID | MS_NODEV;
  mount.options = script.keep("mode=0755,size=" + std::to_string(bytes) +
                              ",nr_inodes=" + std::to_string(inodes));
  struct Place {
    const char* name;
    const char* target;
    mode_t mode;
    bool owned;
  };
  const Place places[] = {{"work", "/work", 0755, true},
                          {"tmp", "/tmp", 01777, false},
                          {"shm", "/dev/shm", 01777, false},
                          {"run", "/run", 0755, true},
                          {"vartmp", "/var/tmp", 01777, false}};
  for (const Place& place : places) {
    SetupStep& dir = script.add(SetupOp::mkdir, scratch + "/" + place.name);
    dir.mode = place.mode;
    dir.chown_run = place.owned;
  }
  for (const Place& place : places) {
    script.add(SetupOp::bind, s + place.target).source =
        script.keep(scratch + "/" + place.name);
  }
  script.add(SetupOp::detach, scratch);
  script.add(SetupOp::rmdir, scratch);

  add_file_steps(script, s + "/work", request);
  return script;
}

SetupScript root_epilogue(const std::string& staging) {
  const std::string& s = staging;
  SetupScript script;
  script.add(SetupOp::write_identity, s + "/etc/passwd").text = script.keep("passwd");
  script.add(SetupOp::write_identity, s + "/etc/group").text = script.keep("group");
  script.add(SetupOp::remount, s + "/dev").flags = MS_RDONLY | MS_NOSUID | MS_NOEXEC;
  script.add(SetupOp::remount, s).flags = MS_RDONLY | MS_NOSUID | MS_NODEV;
  script.add(SetupOp::pivot_root, s);
  return script;
}

SetupScript host_work_dir_steps(const std::string& dir, const Request& request) {
  SetupScript script;
  add_file_steps(script, dir, request);
  script.add(SetupOp::chown_run, dir);
  return script;
}

}  // namespace goodput::sandbox::detail
