// SPDX-License-Identifier: MIT
// `goodput report` and `run --html` checked in a real browser: Debian's chromium, headless,
// loads the page from disk and dumps the DOM after its script ran. The page's own self-test
// (#selftest) clicks the first matrix cell and says whether that run's answer appeared; its
// window.onerror writes into #errors, which must stay empty. An answer and a task id holding
// markup (results files are user-editable, answers are model output) must stay text.
// Screenshots at two widths go to the build tree's test artifacts (their paths are printed).
#include <cstdlib>
#include <regex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/binary_test.hpp"

#ifndef GOODPUT_TEST_ARTIFACTS
#define GOODPUT_TEST_ARTIFACTS "test-artifacts"
#endif

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using test::quote;

// Closes the data block and runs script if any escaping is missing.
constexpr const char* k_payload =
    "</script><script>document.documentElement.setAttribute('data-pwned','script')</script>"
    "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">";

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

class HtmlReportTest : public test::SimBinaryTest {
 protected:
  HtmlReportTest() : SimBinaryTest("html") {}

  static std::string chromium() {
    for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
      if (fs::exists(candidate)) return candidate;
    return "";
  }

  // Runs mini.yaml against two simulated models (2 samples each), with --html.
  std::string run_with_html() {
    const auto r = run("run " + quote(test::data_path("tasks/mini.yaml")) + " --models " + quote(models_file({"sim-fast", "sim-wrong"})) +
                       " --repeat 2 -o " + quote(path("out")) + " --html " + quote(path("run.html")));
    EXPECT_EQ(r.exit_code, 1) << r.output();  // sim-wrong fails every task
    EXPECT_THAT(r.out, HasSubstr("html: " + path("run.html")));
    return path("out");
  }

  // `fragment` "#selftest" runs the page's self-test (and scrolls to its result).
  test::ProcessResult browse(const std::string& page, const std::string& flags, const std::string& fragment = "") const {
    return test::run_process(chromium(), "--headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir=" +
                                             quote(path("chromium-profile")) + " " + flags + " " + quote("file://" + page + fragment),
                             m_dir);
  }
};

TEST_F(HtmlReportTest, RunWritesOneSelfContainedPage) {
  run_with_html();
  const std::string page = test::read_file(path("run.html"));
  EXPECT_EQ(count_of(page, "<g class=\"point\""), 2);
  EXPECT_THAT(page, HasSubstr("id=\"matrix\""));
  // Self-contained: nothing is fetched when the page is viewed.
  EXPECT_THAT(page, Not(HasSubstr("src=\"http")));
  EXPECT_THAT(page, Not(HasSubstr("href=\"http")));
}

TEST_F(HtmlReportTest, UnwritableHtmlPathIsBadInputBeforeAnyRun) {
  write("blocker", "a file, not a directory");
  const auto r = run("run " + quote(test::data_path("tasks/mini.yaml")) + " --models " + quote(models_file({"sim-fast"})) + " -o " +
                     quote(path("out")) + " --html " + quote(path("blocker/report.html")));
  EXPECT_EQ(r.exit_code, 2) << r.output();
  EXPECT_THAT(r.err, HasSubstr("--html"));
  EXPECT_FALSE(fs::exists(path("out"))) << "nothing is written when a flag is bad";
}

TEST_F(HtmlReportTest, MarkupFromResultsStaysText) {
  const std::string dir = run_with_html();
  nlohmann::json results = test::read_json(fs::path(dir) / "results.json");
  results["runs"][0]["answer"] = k_payload;
  results["runs"][0]["task"] = k_payload;
  test::write_file(fs::path(dir) / "results.json", results.dump());
  const auto r = run("report " + quote(dir) + " -o " + quote(path("edited.html")));
  ASSERT_EQ(r.exit_code, 0) << r.output();
  const std::string page = test::read_file(path("edited.html"));
  EXPECT_THAT(page, Not(HasSubstr("<script>document")));
  EXPECT_THAT(page, Not(HasSubstr("<img src=x")));
  EXPECT_EQ(count_of(page, "</script>"), 2);  // the data block's and the script's own
}

TEST_F(HtmlReportTest, ChromiumShowsThePointsAndAClickedCellsAnswer) {
  if (chromium().empty()) GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it): the page is not browsed";
  const std::string dir = run_with_html();
  // The first matrix cell (tasks sorted, '<' first) is the edited run: its answer is markup.
  // results.json lists runs as they finished (models run in parallel): whichever model's run
  // comes first is the one edited, and the one the self-test clicks.
  nlohmann::json results = test::read_json(fs::path(dir) / "results.json");
  const std::string clicked_model = results["runs"][0]["model"].get<std::string>();
  results["runs"][0]["answer"] = k_payload;
  results["runs"][0]["task"] = k_payload;
  test::write_file(fs::path(dir) / "results.json", results.dump());
  ASSERT_EQ(run("report " + quote(dir) + " -o " + quote(path("report.html"))).exit_code, 0);

  const auto dom = browse(path("report.html"), "--virtual-time-budget=2000 --dump-dom", "#selftest");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_EQ(count_of(dom.out, "<g class=\"point\""), 2) << dom.out.substr(0, 2000);
  EXPECT_THAT(dom.out, HasSubstr("<div id=\"errors\"></div>"));
  EXPECT_THAT(dom.out, HasSubstr("selftest: ok " + clicked_model + " &lt;/script&gt;"));
  EXPECT_THAT(dom.out, Not(HasSubstr("data-pwned=\"")));
  // The clicked cell's run, with its answer shown as text.
  EXPECT_THAT(dom.out, HasSubstr("&lt;/script&gt;&lt;script&gt;document.documentElement"));

  const fs::path artifacts = fs::path(GOODPUT_TEST_ARTIFACTS) / "html-report";
  fs::create_directories(artifacts);
  for (const char* size : {"1280,900", "420,900"}) {
    std::string name = std::string("report-") + size + ".png";
    name[name.find(',')] = 'x';
    const std::string shot = (artifacts / name).string();
    fs::remove(shot);
    const auto r = browse(path("report.html"), std::string("--hide-scrollbars --window-size=") + size + " --screenshot=" + quote(shot));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(shot) && fs::file_size(shot) > 1000) << shot << "\n" << r.err;
    std::cout << "screenshot: " << shot << "\n";
  }
}

// Two runs of the model named "m": sim-fast in the first, in the second a profile that now
// gets mini.capital wrong and the other two tasks right. The comparison's rows put the
// regression first, though mini.capital is not first by name; the section comes before the rest.
class HtmlComparisonTest : public HtmlReportTest {
 protected:
  void SetUp() override {
    HtmlReportTest::SetUp();
    restart_sim(write("profiles.yaml", R"(models:
  - id: sim-fast
    ttft_ms: 5
    tokens_per_second: 2000
    answers:
      - {match: "capital of Japan", text: "Tokyo."}
      - {match: "17 \\* 23", text: "The answer is 391."}
      - {match: "primary colors", text: "1. Red\n2. Green\n3. Blue"}
  - id: sim-worse
    ttft_ms: 5
    tokens_per_second: 2000
    answers:
      - {match: "capital of Japan", text: "Kyoto."}
      - {match: "17 \\* 23", text: "The answer is 391."}
      - {match: "primary colors", text: "1. Red\n2. Green\n3. Blue"}
)"));
    for (const auto& [dir, profile] : {std::pair{"base", "sim-fast"}, std::pair{"cand", "sim-worse"}}) {
      write("m.yaml", "models:\n  - {name: m, base_url: '" + m_sim->base_url() + "', model: " + profile + "}\n");
      const auto r = run("run " + quote(test::data_path("tasks/mini.yaml")) + " --models " + quote(path("m.yaml")) + " --repeat 8 -o " +
                         quote(path(dir)));
      ASSERT_LE(r.exit_code, 1) << r.output();
    }
  }

  // The comparison table's rows in page order, as "task verdict".
  static std::vector<std::string> comparison_rows(const std::string& page) {
    std::vector<std::string> rows;
    const std::regex row(R"re(<tr class="([a-z_]+)"><td>([^<]+)</td>)re");
    for (auto it = std::sregex_iterator(page.begin(), page.end(), row); it != std::sregex_iterator(); ++it)
      rows.push_back((*it)[2].str() + " " + (*it)[1].str());
    return rows;
  }
};

TEST_F(HtmlComparisonTest, ReportOfTwoRunsPutsRegressionsFirst) {
  const auto r = run("report " + quote(path("base")) + " " + quote(path("cand")) + " -o " + quote(path("two.html")));
  ASSERT_EQ(r.exit_code, 0) << r.output();
  const std::string page = test::read_file(path("two.html"));
  EXPECT_THAT(comparison_rows(page), ::testing::ElementsAre("mini.capital regressed", "mini.arithmetic unchanged", "mini.colors unchanged"));
  EXPECT_LT(page.find("<h2>Regressions first</h2>"), page.find("<h2>Pass rate against"));
  EXPECT_THAT(page, HasSubstr("1 regressed, 0 improved, 3 compared"));
  // Both runs' models are on the page, labelled by their directory.
  EXPECT_THAT(page, HasSubstr("data-model=\"base: m\""));
  EXPECT_THAT(page, HasSubstr("data-model=\"cand: m\""));
  EXPECT_EQ(count_of(page, "class=\"variants\""), 0) << "one model in two runs is not a settings variant";
}

TEST_F(HtmlComparisonTest, CompareWritesTheSameComparisonAsHtml) {
  const auto r = run("compare " + quote(path("base/results.json")) + " " + quote(path("cand/results.json")) + " --html " + quote(path("cmp.html")));
  EXPECT_EQ(r.exit_code, 0) << r.output();  // report only: no --fail-on
  const std::string page = test::read_file(path("cmp.html"));
  EXPECT_THAT(comparison_rows(page), ::testing::ElementsAre("mini.capital regressed", "mini.arithmetic unchanged", "mini.colors unchanged"));
  EXPECT_NE(page.find("base/results.json:m → " + path("cand/results.json") + ":m</h3>"), std::string::npos);
}

// Settings variants (two names on one server model, "default" and "tuned"): their points are
// joined and named by the model id; the sandbox's stderr a check recorded reaches the run panel.
TEST_F(HtmlReportTest, SettingsVariantsAreJoinedAndStderrReachesTheRunPanel) {
  write("v.yaml", "models:\n  - {name: fast-default, base_url: '" + m_sim->base_url() + "', model: sim-fast}\n"
                  "  - {name: fast-tuned, base_url: '" + m_sim->base_url() + "', model: sim-fast, params: {temperature: 0.2}}\n"
                  "  - {name: wrong, base_url: '" + m_sim->base_url() + "', model: sim-wrong}\n");
  ASSERT_LE(run("run " + quote(test::data_path("tasks/mini.yaml")) + " --models " + quote(path("v.yaml")) + " -o " + quote(path("out"))).exit_code, 1);
  nlohmann::json results = test::read_json(path("out/results.json"));
  results["runs"][0]["checks"][0]["facts"] = {{"stderr", "Traceback (most recent call last):\nValueError: <bad>"}};
  test::write_file(path("out/results.json"), results.dump());
  ASSERT_EQ(run("report " + quote(path("out")) + " -o " + quote(path("v.html"))).exit_code, 0);
  const std::string page = test::read_file(path("v.html"));
  EXPECT_EQ(count_of(page, "<g class=\"variants\" data-weights=\"sim-fast\"><polyline points=\""), 1) << page.substr(0, 4000);
  EXPECT_THAT(page, HasSubstr(">sim-fast (settings variants)</text>"));
  EXPECT_EQ(count_of(page, "class=\"variants\""), 1);  // "wrong" has no variant
  EXPECT_THAT(page, HasSubstr("\"stderr\":\"Traceback (most recent call last):\\nValueError: \\u003cbad\\u003e\""));
}

}  // namespace
}  // namespace goodput
