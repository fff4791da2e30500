// SPDX-License-Identifier: MIT
// Golden files for `goodput compare` (framework/stats/src/compare.cpp): the console text,
// the Markdown (a pull-request comment) and the JSON, from the real binary on two fixed results
// files (tests/data/compare, written by make_inputs.py there) that hold a regressed, an
// improved, an unchanged, a flaky and a not comparable task, a task of the baseline only, an
// error run and fingerprints that differ. Everything is deterministic (the bootstrap is
// seeded); only the input files' directory is scrubbed from the labels.
// Regenerate: GOODPUT_UPDATE_GOLDEN=1 (tests/reporters/golden/README.md).
#include <string>

#include <gtest/gtest.h>

#include "support/files.hpp"
#include "support/golden.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace goodput {
namespace {

using test::quote;

class CompareGoldenTest : public ::testing::Test {
 protected:
  std::string inputs() const {
    return quote(test::data_path("compare/baseline.results.json")) + " " + quote(test::data_path("compare/candidate.results.json"));
  }
  // The exit code as the first line, then stdout and stderr, the input directory scrubbed.
  std::string console(const test::ProcessResult& r) const {
    return "exit code " + std::to_string(r.exit_code) + "\n" + scrubbed(r.out) + (r.err.empty() ? "" : "--- stderr\n" + scrubbed(r.err));
  }
  std::string scrubbed(const std::string& text) const { return test::replace_all(text, test::data_path("compare"), "<data>"); }

  test::TempDir m_dir{"compare-golden"};
};

TEST_F(CompareGoldenTest, GatedComparisonConsoleMarkdownAndJson) {
  const auto r = test::run_process(test::goodput_binary(),
                                   "compare " + inputs() + " --fail-on regression --max-latency-increase 20% --markdown " +
                                       quote(m_dir.str("compare.md")) + " --json " + quote(m_dir.str("compare.json")),
                                   m_dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.output();
  EXPECT_MATCHES_GOLDEN("reporters/golden/compare.approved.txt", console(r));
  EXPECT_MATCHES_GOLDEN("reporters/golden/compare.approved.md", scrubbed(test::read_file(m_dir / "compare.md")));
  EXPECT_MATCHES_GOLDEN("reporters/golden/compare.approved.json", scrubbed(test::read_file(m_dir / "compare.json")));
}

TEST_F(CompareGoldenTest, ReportOnlyConsole) {
  const auto r = test::run_process(test::goodput_binary(), "compare " + inputs(), m_dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.output();
  EXPECT_MATCHES_GOLDEN("reporters/golden/compare-report-only.approved.txt", console(r));
}

}  // namespace
}  // namespace goodput
