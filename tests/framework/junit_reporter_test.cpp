// The JUnit report, read back with a real XML parser (python3's xml.etree, as CI machines
// have it): counts and attributes per model, failure and error texts, properties, and that
// anything a model or a checker writes (markup characters, control characters, invalid
// UTF-8) still gives a well-formed file.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goodput/reporters.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// Prints the parsed XML as JSON: {"root": {attrs}, "suites": [{"attrs", "properties",
// "cases": [{"attrs", "properties", "failure", "error", "out"}]}]}. Exits 1 with the parser's
// message if the file is not well-formed.
constexpr const char* k_reader = R"PY(
import json, sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError as e:
    print("not well-formed:", e, file=sys.stderr); sys.exit(1)
def props(el):
    p = el.find("properties")
    return {} if p is None else {q.get("name"): q.get("value") for q in p.findall("property")}
def problem(el, tag):
    f = el.find(tag)
    return None if f is None else {"message": f.get("message"), "type": f.get("type"), "text": f.text or ""}
out = {"tag": root.tag, "root": dict(root.attrib), "suites": []}
for s in root.findall("testsuite"):
    cases = []
    for c in s.findall("testcase"):
        o = c.find("system-out")
        cases.append({"attrs": dict(c.attrib), "properties": props(c), "failure": problem(c, "failure"),
                      "error": problem(c, "error"), "out": None if o is None else (o.text or "")})
    out["suites"].append({"attrs": dict(s.attrib), "properties": props(s), "cases": cases})
print(json.dumps(out))
)PY";

class JunitReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("goodput-junit-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    m_models = {model("fast-one", false), model("sim-two", true)};
    m_tasks = {task("mini", "capital", 1, {"icontains", "stop-reason"}), task("mini", "story", 2, {"length"}),
               task("other", "math", 1, {"number"})};
  }
  void TearDown() override { fs::remove_all(m_dir); }

  static ModelSpec model(const std::string& name, bool simulated) {
    ModelSpec m;
    m.name = name;
    m.model = name + "-id";
    m.base_url = "http://127.0.0.1:1/v1";
    m.simulated = simulated;
    return m;
  }
  static TaskSpec task(const std::string& suite, const std::string& name, int repeat, const std::vector<std::string>& types) {
    TaskSpec t;
    t.suite = suite;
    t.name = name;
    t.repeat = repeat;
    for (const auto& type : types) {
      AssertionSpec a;
      a.type = type;
      t.assertions.push_back(a);
    }
    return t;
  }
  RunRecord record(std::size_t m, std::size_t t, int sample, Verdict verdict) {  // checks all pass; tests change them
    RunRecord r;
    r.model = &m_models[m];
    r.task = &m_tasks[t];
    r.sample = sample;
    r.verdict = verdict;
    r.completion.answer = "an answer";
    r.completion.stop_reason = StopReason::stop;
    r.completion.metrics.ttft_s = 0.25;
    r.completion.metrics.time_to_first_answer_s = 0.5;
    r.completion.metrics.e2e_s = 1.5;
    r.completion.metrics.decode_tps = 40;
    r.completion.tokens.completion = 61;
    for (std::size_t i = 0; i < m_tasks[t].assertions.size(); ++i)
      r.checks.emplace_back(checkers::Outcome::pass, "fine");
    return r;
  }

  json report(const std::vector<RunRecord>& runs, bool interrupted = false, int repeat = 1) {
    return report_to("junit.xml", "junit.xml", runs, interrupted, repeat);
  }

  // `pattern` is what --junit gets (under m_dir); `path` the file read back.
  json report_to(const std::string& pattern, const std::string& file, const std::vector<RunRecord>& runs,
                 bool interrupted = false, int repeat = 1) {
    const std::string path = (m_dir / file).string();
    auto reporter = make_junit_reporter((m_dir / pattern).string());
    Plan plan;
    plan.models = &m_models;
    plan.tasks = &m_tasks;
    plan.repeat = repeat;
    reporter->on_plan(plan);
    for (const auto& r : runs) reporter->on_run_end(r);
    reporter->on_finish(interrupted);
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    const std::string script = (m_dir / "read_junit.py").string();
    std::ofstream(script) << k_reader;
    const std::string cmd = "python3 '" + script + "' '" + path + "' 2>&1";
    std::FILE* pipe = ::popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    const int status = ::pclose(pipe);
    EXPECT_EQ(status, 0) << out;
    m_xml = read(path);
    return status == 0 ? json::parse(out) : json::object();
  }

  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path m_dir;
  std::vector<ModelSpec> m_models;
  std::vector<TaskSpec> m_tasks;
  std::string m_xml;
};

TEST_F(JunitReporterTest, OneSuitePerModelWithCountsAndOneCasePerRun) {
  std::vector<RunRecord> runs;
  runs.push_back(record(0, 0, 0, Verdict::pass));
  RunRecord failed = record(0, 2, 0, Verdict::fail);
  failed.checks[0] = {checkers::Outcome::fail, "expected 391, found 401"};
  runs.push_back(failed);
  RunRecord errored = record(0, 1, 0, Verdict::error);
  errored.completion.error = {ErrorKind::connect, "cannot connect to 127.0.0.1:1", 0};
  errored.checks.clear();
  runs.push_back(errored);
  runs.push_back(record(0, 1, 1, Verdict::pass));
  runs.push_back(record(1, 0, 0, Verdict::pass));
  const json doc = report(runs);

  EXPECT_EQ(doc["tag"], "testsuites");
  EXPECT_EQ(doc["root"]["tests"], "5");
  EXPECT_EQ(doc["root"]["failures"], "1");
  EXPECT_EQ(doc["root"]["errors"], "1");
  ASSERT_EQ(doc["suites"].size(), 2u);
  const json& fast = doc["suites"][0];
  EXPECT_EQ(fast["attrs"]["name"], "fast-one");
  EXPECT_EQ(fast["attrs"]["tests"], "4");
  EXPECT_EQ(fast["attrs"]["failures"], "1");
  EXPECT_EQ(fast["attrs"]["errors"], "1");
  EXPECT_EQ(fast["attrs"]["skipped"], "0");
  EXPECT_EQ(fast["attrs"]["time"], "6.000");  // 4 x 1.5 s
  const json& sim = doc["suites"][1];
  EXPECT_EQ(sim["attrs"]["name"], "sim-two");
  EXPECT_EQ(sim["attrs"]["tests"], "1");
  EXPECT_EQ(sim["properties"]["simulated"], "true");

  // Plan order (task, then sample), not finish order; repeated tasks carry #sample.
  std::vector<std::string> names;
  for (const auto& c : fast["cases"]) names.push_back(c["attrs"]["classname"].get<std::string>() + "." + c["attrs"]["name"].get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"fast-one.mini.capital", "fast-one.mini.story#1", "fast-one.mini.story#2",
                                             "fast-one.other.math"}));
  EXPECT_EQ(sim["cases"][0]["attrs"]["classname"], "sim-two.mini") << "the same task under another model is another class";
  EXPECT_EQ(fast["cases"][0]["attrs"]["time"], "1.500");

  const json& math = fast["cases"][3];
  ASSERT_TRUE(math["failure"].is_object());
  EXPECT_EQ(math["failure"]["message"], "number: expected 391, found 401");
  EXPECT_EQ(math["failure"]["type"], "assertion");
  EXPECT_THAT(math["failure"]["text"].get<std::string>(), HasSubstr("number: expected 391, found 401\n"));
  EXPECT_EQ(math["out"], "an answer");

  const json& story = fast["cases"][1];
  ASSERT_TRUE(story["error"].is_object());
  EXPECT_EQ(story["error"]["type"], "connect");
  EXPECT_EQ(story["error"]["message"], "connect: cannot connect to 127.0.0.1:1");
  EXPECT_TRUE(story["failure"].is_null());
  EXPECT_TRUE(fast["cases"][0]["failure"].is_null());
  EXPECT_TRUE(fast["cases"][0]["error"].is_null());
  EXPECT_TRUE(fast["cases"][0]["out"].is_null()) << "passing runs carry no output";
}

TEST_F(JunitReporterTest, PropertiesPerCaseAndAggregatesPerSuite) {
  const json doc = report({record(0, 0, 0, Verdict::pass), record(0, 2, 0, Verdict::pass)});
  const json& props = doc["suites"][0]["cases"][0]["properties"];
  EXPECT_EQ(props["ttft_s"], "0.25");
  EXPECT_EQ(props["time_to_first_answer_s"], "0.5");
  EXPECT_EQ(props["decode_tps"], "40");
  EXPECT_EQ(props["e2e_s"], "1.5");
  EXPECT_EQ(props["completion_tokens"], "61");
  EXPECT_EQ(props["stop_reason"], "stop");
  EXPECT_EQ(props["simulated"], "false");
  const json& suite = doc["suites"][0]["properties"];
  EXPECT_EQ(suite["model"], "fast-one-id");
  EXPECT_EQ(suite["pass_rate"], "1");
  EXPECT_EQ(suite["passed"], "2");
  EXPECT_EQ(suite["ttft_p50_s"], "0.25");
  EXPECT_EQ(suite["e2e_p50_s"], "1.5");
  EXPECT_EQ(suite["seconds_per_correct"], "1.5");  // (1.5 + 1.5) s / 2 passed
  EXPECT_EQ(suite["tasks_never_passed"], "0");
  EXPECT_EQ(suite.count("interrupted"), 0u);
  // A model without runs still has its suite, with zero tests.
  EXPECT_EQ(doc["suites"][1]["attrs"]["tests"], "0");
}

TEST_F(JunitReporterTest, MarkupControlCharactersAndInvalidUtf8AreEscapedOrDropped) {
  RunRecord failed = record(0, 0, 0, Verdict::fail);
  failed.checks[0] = {checkers::Outcome::fail, "expected <b>&\"quotes\"</b> 'x'\x01\x1b[31m\tand\nmore"};
  failed.checks[0].parts.push_back({"fixture <a&b>.json", checkers::Outcome::fail, "got ]]> and \x02"});
  failed.checks[0].parts.push_back({"fixture ok.json", checkers::Outcome::pass, "fine"});
  failed.completion.answer = "answer \x7f\x0b ok \xff\xfe 東京 \r\n end ]]>";
  const json doc = report({failed});
  const json& c = doc["suites"][0]["cases"][0];
  ASSERT_TRUE(c["failure"].is_object()) << m_xml;
  // Attributes keep tabs and line breaks (written as references); control characters go.
  EXPECT_EQ(c["failure"]["message"], "icontains: expected <b>&\"quotes\"</b> 'x'[31m\tand\nmore");
  const std::string text = c["failure"]["text"];
  EXPECT_THAT(text, HasSubstr("icontains: expected <b>&\"quotes\"</b> 'x'[31m\tand\nmore\n"));
  EXPECT_THAT(text, HasSubstr("    fixture <a&b>.json: got ]]> and \n"));
  EXPECT_THAT(text, Not(HasSubstr("fixture ok.json"))) << "only failing parts";
  // Invalid bytes become U+FFFD; DEL is allowed in XML 1.0 and kept; CR survives.
  EXPECT_EQ(c["out"], "answer \x7f ok \xEF\xBF\xBD\xEF\xBF\xBD 東京 \r\n end ]]>");
  EXPECT_THAT(m_xml, Not(HasSubstr("\x01")));
  EXPECT_THAT(m_xml, Not(HasSubstr("\x1b")));
}

TEST_F(JunitReporterTest, NamesAndClassnamesAreEscapedToo) {
  m_models[0].name = "model \"a\" <&>";
  m_tasks[0].suite = "s'<";
  m_tasks[0].name = "n&\x03";
  const json doc = report({record(0, 0, 0, Verdict::pass)});
  EXPECT_EQ(doc["suites"][0]["attrs"]["name"], "model \"a\" <&>");
  EXPECT_EQ(doc["suites"][0]["cases"][0]["attrs"]["classname"], "model \"a\" <&>.s'<");
  EXPECT_EQ(doc["suites"][0]["cases"][0]["attrs"]["name"], "n&");
}

TEST_F(JunitReporterTest, SamplesAreNumberedWhenRepeatIsGiven) {
  const json doc = report({record(0, 0, 1, Verdict::pass), record(0, 0, 0, Verdict::pass)}, false, 2);
  EXPECT_EQ(doc["suites"][0]["cases"][0]["attrs"]["name"], "capital#1");
  EXPECT_EQ(doc["suites"][0]["cases"][1]["attrs"]["name"], "capital#2");
}

TEST_F(JunitReporterTest, CheckerErrorsAreErrorsNotFailures) {
  RunRecord r = record(0, 0, 0, Verdict::error);
  r.checks[0] = {checkers::Outcome::fail, "no tokyo"};
  r.checks[1] = {checkers::Outcome::error, "the checker itself failed: boom"};
  const json doc = report({r});
  const json& c = doc["suites"][0]["cases"][0];
  EXPECT_TRUE(c["failure"].is_null());
  ASSERT_TRUE(c["error"].is_object());
  EXPECT_EQ(c["error"]["type"], "checker_error");
  EXPECT_EQ(c["error"]["message"], "stop-reason: the checker itself failed: boom");
  EXPECT_THAT(c["error"]["text"].get<std::string>(), HasSubstr("icontains: no tokyo\ncould not judge: stop-reason: the checker itself failed: boom"));
  EXPECT_EQ(doc["root"]["errors"], "1");
  EXPECT_EQ(doc["root"]["failures"], "0");
}

TEST_F(JunitReporterTest, WrittenWhenInterruptedAndSaysSo) {
  const json doc = report({record(0, 0, 0, Verdict::pass)}, true);
  EXPECT_EQ(doc["root"]["tests"], "1");
  EXPECT_EQ(doc["suites"][0]["properties"]["interrupted"], "true");
}

TEST_F(JunitReporterTest, APatternWritesOneFilePerModelAndTask) {
  m_models[1].name = "org/sim:two";  // a slash or colon in a model name is not a directory
  const std::vector<RunRecord> runs{record(0, 0, 0, Verdict::pass), record(0, 2, 0, Verdict::pass),
                                    record(1, 0, 0, Verdict::pass)};
  const json fast_capital = report_to("out/%m/%t.xml", "out/fast-one/mini.capital.xml", runs);
  ASSERT_EQ(fast_capital["suites"].size(), 1u) << "only the model the file is named after";
  EXPECT_EQ(fast_capital["root"]["tests"], "1");
  EXPECT_EQ(fast_capital["suites"][0]["cases"][0]["attrs"]["name"], "capital");
  const json fast_math = report_to("out/%m/%t.xml", "out/fast-one/other.math.xml", runs);
  EXPECT_EQ(fast_math["suites"][0]["cases"][0]["attrs"]["classname"], "fast-one.other");
  const json sim = report_to("out/%m/%t.xml", "out/org_sim_two/mini.capital.xml", runs);
  EXPECT_EQ(sim["suites"][0]["attrs"]["name"], "org/sim:two");
  EXPECT_FALSE(fs::exists(m_dir / "out" / "%m"));
  const json by_suite = report_to("%s-%%.xml", "mini-%.xml", runs);
  EXPECT_EQ(by_suite["root"]["tests"], "2") << "both models' mini.capital";
}

TEST_F(JunitReporterTest, ReplacesAnOlderReportWhole) {
  const std::string path = (m_dir / "junit.xml").string();
  std::ofstream(path) << std::string(100000, 'x');
  const json doc = report({record(0, 0, 0, Verdict::pass)});
  EXPECT_EQ(doc["root"]["tests"], "1");
  EXPECT_THAT(m_xml, Not(HasSubstr("xxx")));
}

}  // namespace
}  // namespace goodput
