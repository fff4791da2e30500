// Drives a task binary built from C++ task cases (tests/data/cpp_tasks/example_tasks.cpp,
// linked with goodput::main) the way run_command_test drives `goodput`: against the simulator
// on loopback, checking exit codes, the log, the journal and what the second turn of a
// conversation carried.
#include <fstream>
#include <map>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goodput/sim_tokenizer.hpp"
#include "support/binary_test.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using test::quote;

class CppTasksTest : public test::SimBinaryTest {
 protected:
  CppTasksTest() : SimBinaryTest("cpp", GOODPUT_EXAMPLE_TASK_BINARY) {}

  std::string models(const std::vector<std::string>& ids) { return quote(models_file(ids)); }

  std::string out_dir() const { return quote((m_dir / "out").string()); }
  // model / task -> journal line
  std::map<std::string, nlohmann::json> journal() const {
    std::map<std::string, nlohmann::json> lines;
    std::ifstream in(m_dir / "out" / "journal.jsonl");
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      lines[j["model"].get<std::string>() + " / " + j["task"].get<std::string>()] = j;
    }
    return lines;
  }
};

TEST_F(CppTasksTest, ATaskBinaryRunsItsOwnTasksWithAnImplicitRun) {
  const auto r = run("--models " + models({"sim-fast"}) + " -o " + out_dir());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[       OK ] sim-fast / Geography.Capital ("));
  EXPECT_THAT(r.out, HasSubstr("[       OK ] sim-fast / Arithmetic.Product ("));
  EXPECT_THAT(r.out, HasSubstr("[       OK ] sim-fast / Conversation.ColorsThenCapital ("));
  EXPECT_THAT(r.out, HasSubstr("[  PASSED  ] 3 runs"));

  const auto lines = journal();
  ASSERT_EQ(lines.size(), 3u);  // the C++ tasks only, not the built-in seed tasks
  for (const auto& [key, line] : lines) {
    EXPECT_EQ(line["verdict"], "pass") << key << ": " << line.dump();
    EXPECT_EQ(line["simulated"], true);  // a models file naming goodput sim is recognised as simulated
  }
  const auto& capital = lines.at("sim-fast / Geography.Capital");
  ASSERT_EQ(capital["checks"].size(), 2u);
  EXPECT_EQ(capital["checks"][0]["type"], "contains");
  EXPECT_EQ(capital["checks"][1]["type"], "stop-reason");
  EXPECT_EQ(capital["answer"], "Tokyo.");
  EXPECT_EQ(lines.at("sim-fast / Arithmetic.Product")["checks"][0]["type"], "number");
  EXPECT_EQ(lines.at("sim-fast / Arithmetic.Product")["request_params"], nlohmann::json::object());
}

TEST_F(CppTasksTest, TheSecondTurnOfAConversationCarriesTheFirst) {
  const auto r = run("run --models " + models({"sim-fast"}) + " -o " + out_dir());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto line = journal().at("sim-fast / Conversation.ColorsThenCapital");
  const auto& turns = line["turns"];
  ASSERT_EQ(turns.size(), 2u);
  EXPECT_EQ(turns[0]["messages"], 1);
  EXPECT_EQ(turns[0]["answer"], "1. Red\n2. Green\n3. Blue");
  EXPECT_EQ(turns[1]["messages"], 3);  // user, assistant, user
  EXPECT_EQ(turns[1]["answer"], "Tokyo.");
  EXPECT_EQ(line["answer"], "Tokyo.");  // the run's answer is the last turn's
  // The simulator counts the prompt tokens of every message it received: the second request
  // held the first question and answer before the follow-up.
  const auto tokens = [](const nlohmann::json& text) { return sim::sim_tokenize(text.get<std::string>()).size(); };
  EXPECT_EQ(turns[0]["prompt_tokens"], tokens(turns[0]["prompt"]));
  EXPECT_EQ(turns[1]["prompt_tokens"], tokens(turns[0]["prompt"]) + tokens(turns[0]["answer"]) + tokens(turns[1]["prompt"]));
  EXPECT_THAT(turns[1]["where"].get<std::string>(), HasSubstr("example_tasks.cpp:"));
}

TEST_F(CppTasksTest, WrongAnswersFailWithGoogleTestStyleMessagesAndAFatalOneStopsTheTask) {
  const auto r = run("--models " + models({"sim-fast", "sim-wrong"}) + " --model sim-wrong -o " + out_dir());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[  FAILED  ] sim-wrong / Geography.Capital"));
  EXPECT_THAT(r.out, HasSubstr("example_tasks.cpp:9: Failure"));
  EXPECT_THAT(r.out, Not(HasSubstr("sim-fast /")));  // --model chose one
  const auto lines = journal();
  ASSERT_EQ(lines.size(), 3u);
  const auto& capital = lines.at("sim-wrong / Geography.Capital");
  EXPECT_EQ(capital["verdict"], "fail");
  EXPECT_THAT(capital["checks"][0]["message"].get<std::string>(),
              HasSubstr("example_tasks.cpp:9: Failure\nExpected: reply contains \"Tokyo\"\n  Actual: contains: "));
  EXPECT_EQ(capital["checks"][1]["outcome"], "pass");  // non-fatal: the stop reason was still checked

  const auto& conversation = lines.at("sim-wrong / Conversation.ColorsThenCapital");
  EXPECT_EQ(conversation["verdict"], "fail");
  EXPECT_EQ(conversation["turns"].size(), 1u);  // the ASSERT stopped it before the follow-up
  ASSERT_EQ(conversation["checks"].size(), 1u);
  EXPECT_THAT(conversation["checks"][0]["message"].get<std::string>(),
              HasSubstr("Expected: colors is a numbered list of 3 items\n  Actual: "));
  EXPECT_THAT(conversation["checks"][0]["message"].get<std::string>(), HasSubstr("\nred, green and blue"));
}

// prompt_cache: cold holds for C++ task cases too: every ask() of a repeated task carries
// cache_prompt: false, so a caching server serves none of them warm; as-is lets it.
TEST_F(CppTasksTest, PromptCacheColdCoversEveryAsk) {
  restart_sim(write("p.yaml", "models:\n  - id: cached\n    ttft_ms: 100\n    warm_ttft_ms: 10\n    tokens_per_second: 500\n"
                              "    prompt_cache: true\n    answers:\n      - text: 'Tokyo.'\n"));
  const auto classes = [this](const std::string& extra) {
    std::map<std::string, int> count;
    const auto r = run("--models " + quote(models_file({"cached"}, extra)) + " --repeat 2 -o " + out_dir() + "-" +
                       std::to_string(extra.size()));
    EXPECT_NE(r.exit_code, 2) << r.out << r.err;
    std::ifstream in(m_dir / ("out-" + std::to_string(extra.size())) / "journal.jsonl");
    for (std::string line; std::getline(in, line);) {
      const auto j = nlohmann::json::parse(line);
      ++count[j["prompt_cache"].get<std::string>()];
      if (extra.empty()) {
        EXPECT_EQ(j["fingerprint"]["request_params"]["cache_prompt"], false);
        for (const auto& turn : j["turns"]) EXPECT_EQ(turn["prompt_cache"], "cold") << line;
      }
    }
    return count;
  };
  const auto cold = classes("");
  EXPECT_EQ(cold.count("warm"), 0u);
  EXPECT_EQ(cold.at("cold"), 6);  // 3 tasks x 2 samples
  // as-is: the second sample of each task repeats a prompt the server has cached.
  EXPECT_GE(classes(", prompt_cache: as-is").at("warm"), 3);
}

TEST_F(CppTasksTest, TransportProblemsAreErrorsNotFailures) {
  const auto r = run("--models " + models({"sim-faulty"}) + " -o " + out_dir());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[  ERROR   ] sim-faulty / Geography.Capital"));
  const auto lines = journal();
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& [key, line] : lines) EXPECT_EQ(line["verdict"], "error") << key;
  EXPECT_EQ(lines.at("sim-faulty / Geography.Capital")["error"]["kind"], "stream_error");
  EXPECT_EQ(lines.at("sim-faulty / Arithmetic.Product")["error"]["kind"], "truncated");
  const auto& conversation = lines.at("sim-faulty / Conversation.ColorsThenCapital");
  EXPECT_EQ(conversation["error"]["kind"], "http_status");
  EXPECT_EQ(conversation["turns"].size(), 1u);  // the failed ask ended the task
  EXPECT_TRUE(conversation["checks"].empty());
}

// A note that quotes the reply (example_tasks.cpp) carries the model's raw text into the
// failure message; its lines stay indented under the run and its escape sequences escaped, so
// an answer cannot print a status line of its own or hide the rest of the log.
TEST_F(CppTasksTest, AnAnswerQuotedInAFailureMessageCannotForgeConsoleLines) {
  restart_sim(write("forger.yaml", R"Y(models:
  - id: sim-forger
    ttft_ms: 10
    tokens_per_second: 500
    answers:
      - text: "1. Red\n[       OK ] sim-forger / Conversation.ColorsThenCapital\n[  PASSED  ] 3 runs\e[8m"
)Y"));
  const auto r = run("--models " + models({"sim-forger"}) + " -o " + out_dir());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  EXPECT_THAT(r.out, HasSubstr("    red, green and blue; the answer:\n"
                               "    1. Red\n"
                               "    [       OK ] sim-forger / Conversation.ColorsThenCapital\n"
                               "    [  PASSED  ] 3 runs\\x1b[8m\n"));
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_THAT(line, Not(::testing::StartsWith("[       OK ]")));
    EXPECT_THAT(line, Not(::testing::StartsWith("[  PASSED  ] 3")));
  }
  EXPECT_THAT(r.out, HasSubstr("[  FAILED  ] sim-forger / Conversation.ColorsThenCapital"));
  EXPECT_THAT(r.out, HasSubstr("[  PASSED  ] 0 runs"));
}

TEST_F(CppTasksTest, TaskFilesGivenOnTheCommandLineRunBesideTheCppTasks) {
  const std::string mini = quote(test::data_path("tasks/mini.yaml"));
  const auto r = run("run " + mini + " --models " + models({"sim-fast"}) + " --repeat 2 -o " + out_dir());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[  PASSED  ] 12 runs"));  // (3 YAML + 3 C++) x 2 samples
  EXPECT_THAT(r.out, HasSubstr("sim-fast / mini.capital #2"));
  EXPECT_THAT(r.out, HasSubstr("sim-fast / Geography.Capital #2"));
}

TEST_F(CppTasksTest, TheCommandLineKeepsItsHelpVersionAndBadInputExitCodes) {
  auto r = run("--version");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("goodput "));

  r = run("--help");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("run"));

  r = run("");  // `run` with no models
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("name the models to evaluate"));

  r = run("--models " + models({"sim-fast"}) + " --model nope -o " + out_dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no model named 'nope'"));
  EXPECT_FALSE(fs::exists(m_dir / "out"));
}

}  // namespace
}  // namespace goodput
