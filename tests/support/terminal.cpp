// SPDX-License-Identifier: MIT
#include "support/terminal.hpp"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace goodput::test {

namespace {

// child_environment() with `env` applied.
std::vector<std::string> terminal_environment(const TerminalEnv& env) {
  std::vector<std::string> out;
  const auto replaced = [&](const std::string& entry) {
    for (const auto& name : env.unset)
      if (entry.starts_with(name + "=")) return true;
    for (const auto& entry_set : env.set)
      if (entry.starts_with(entry_set.substr(0, entry_set.find('=') + 1))) return true;
    return false;
  };
  for (auto& entry : child_environment())
    if (!replaced(entry)) out.push_back(std::move(entry));
  out.insert(out.end(), env.set.begin(), env.set.end());
  return out;
}

}  // namespace

ProcessResult run_in_terminal(const std::string& binary, const std::vector<std::string>& args, const std::filesystem::path& cwd,
                              const TerminalEnv& env, int timeout_s) {
  // Everything the child needs is made before the fork: after it, only async-signal-safe calls.
  std::vector<std::string> env_text = terminal_environment(env);
  std::vector<char*> envp = exec_array(env_text);
  std::vector<std::string> argv_text{binary};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv = exec_array(argv_text);
  const std::string dir = cwd.string();

  winsize size{};
  size.ws_row = 40;
  size.ws_col = 120;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) throw std::runtime_error(std::string("forkpty: ") + std::strerror(errno));
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }

  ProcessResult r;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  bool timed_out = false;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{master, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n > 0) {
      r.out.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // EIO: every descriptor of the terminal's other end is closed (the child ended)
  }
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::close(master);
  r.exit_code = !timed_out && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string visible_controls(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\033') out += "\\e";
    else if (c == '\r') out += "\\r";
    else if (c == '\n' || c == '\t' || u >= 0x20) out += c;
    else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    }
  }
  return out;
}

}  // namespace goodput::test
