// SPDX-License-Identifier: MIT
#include "support/process.hpp"

#include <sys/wait.h>

#include <cstdlib>

#include "support/files.hpp"

namespace goodput::test {

std::string goodput_binary() { return GOODPUT_BINARY; }

ProcessResult run_process(const std::string& binary, const std::string& args, const std::filesystem::path& scratch_dir,
                          const std::string& env) {
  const std::string out = (scratch_dir / "stdout.txt").string();
  const std::string err = (scratch_dir / "stderr.txt").string();
  const std::string cmd = "env -u GTEST_TOTAL_SHARDS -u GTEST_SHARD_INDEX -u GTEST_SHARD_STATUS_FILE " + env + " " + binary + " " +
                          args + " >" + quote(out) + " 2>" + quote(err) + " </dev/null";
  const int status = std::system(cmd.c_str());
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace goodput::test
