// SPDX-License-Identifier: MIT
// main() of a task binary (goodput::main, like GTest::gtest_main): an executable built from
// C++ task files is `goodput run` with those tasks built in. `my_tasks --models m.yaml` means
// `my_tasks run --models m.yaml`; a subcommand (`my_tasks run ...`, `my_tasks sim`),
// --help and --version pass through unchanged.
#include <string_view>
#include <vector>

#include "goodput/cli.hpp"

int main(int argc, char** argv) {
  static char run_subcommand[] = "run";
  std::vector<char*> args(argv, argv + argc);
  const std::string_view first = argc > 1 ? std::string_view(argv[1]) : std::string_view();
  const bool top_level_flag = first == "--help" || first == "-h" || first == "--version";
  if (argc > 0 && (first.empty() || (first.front() == '-' && !top_level_flag))) args.insert(args.begin() + 1, run_subcommand);
  return goodput::cli_main(static_cast<int>(args.size()), args.data());
}
