// SPDX-License-Identifier: MIT
// Where goodput's data files are: the seed tasks with their fixtures and the demo simulator
// profiles. They sit at ../share/goodput from the binary's own directory: <prefix>/bin/goodput
// reads <prefix>/share/goodput once installed (anywhere, moved or not), and the build tree
// mirrors that layout (<build>/share/goodput holds links into the source tree, made by CMake),
// so <build>/framework/goodput finds them the same way. No path is compiled in.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "goodput/commands.hpp"
#include "goodput/error.hpp"

namespace goodput {

namespace {

namespace fs = std::filesystem;

fs::path running_binary() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw ConfigError({"goodput", 0, 0}, "", "cannot tell where this binary is (/proc/self/exe: " + ec.message() +
                                                       "): name the task files and --sim-profiles explicitly");
  return exe;
}

// <dir of the binary>/../share/goodput/<relative>, or a ConfigError saying where it looked.
std::string data_file(const char* relative, const char* what) {
  const fs::path exe = running_binary();
  const fs::path data = (exe.parent_path() / ".." / "share" / "goodput").lexically_normal();
  const fs::path file = data / relative;
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw ConfigError({file.string(), 0, 0}, "",
                      std::string("not found: goodput looks for ") + what + " in ../share/goodput from its binary (" + exe.string() +
                          "); install goodput with `cmake --install BUILD --prefix DIR` and run DIR/bin/goodput, or name the files "
                          "on the command line");
  return file.string();
}

}  // namespace

std::string builtin_tasks_dir() { return data_file("tasks/seed", "the built-in seed tasks"); }
std::string builtin_sim_profiles() { return data_file("sim/seed-profiles.yaml", "the demo simulator profiles"); }

}  // namespace goodput
