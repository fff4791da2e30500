// SPDX-License-Identifier: MIT
// What the forked child does to the file system before the command starts, as a list of plain
// steps composed by the parent (private_root.cpp) and carried out by run_setup_steps() in the
// child: mounts of the private root, the scratch tmpfs, the request's files, the identity files,
// pivot_root. A list rather than code in the child so that the parent can describe a failed
// step exactly, and so that the child stays a small interpreter of async-signal-safe system
// calls (it runs between fork and exec of a multi-threaded program: no allocation, no locks).
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace goodput::sandbox::detail {

enum class SetupOp : int {
  make_mounts_private,  // mount(NULL, "/", MS_REC|MS_PRIVATE): nothing propagates to the host
  mount,                // mount(source, path, fstype=data_text, flags, options=text)
  bind,                 // mount(source, path, MS_BIND|flags)
  remount,              // mount(NULL, path, MS_REMOUNT|MS_BIND|flags)
  mkdir,                // mkdir(path, mode) (umask 0), then chown to the run's user if chown_run
  touch,                // an empty file to bind a file onto
  symlink,              // symlink(source, path)
  write_file,           // path gets [data, data+size) with mode; chown to the run's user if chown_run
  write_identity,       // /etc/passwd or /etc/group naming the run's uid (text: "passwd"/"group")
  chown_run,            // chown(path) to the run's user
  detach,               // umount2(path, MNT_DETACH)
  rmdir,
  pivot_root,           // path becomes "/"; the old root is detached
  loopback_up,          // bring "lo" up in the new network namespace
  set_hostname,         // text
};

struct SetupStep {
  SetupOp op = SetupOp::mkdir;
  const char* path = nullptr;
  const char* source = nullptr;
  const char* text = nullptr;      // fstype for mount, options, hostname...
  const char* options = nullptr;   // mount data
  unsigned long flags = 0;
  const char* data = nullptr;
  std::size_t size = 0;
  mode_t mode = 0755;
  bool chown_run = false;
  bool optional = false;           // a missing source (ENOENT) skips the step
};

// Runs the steps in order as the caller (root, or root of a user namespace). run_uid/run_gid
// own what chown_run names and appear in the identity files. Returns -1 on success, else the
// index of the failed step with errno set.
int run_setup_steps(const SetupStep* steps, std::size_t count, uid_t run_uid, gid_t run_gid);

}  // namespace goodput::sandbox::detail
