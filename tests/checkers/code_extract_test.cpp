// SPDX-License-Identifier: MIT
#include "goodput/checkers/code_extract.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace goodput::checkers {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

ExtractedCode extract(std::string_view answer, std::string entry = "",
                      std::vector<std::string> prefer = {}) {
  ExtractOptions options;
  options.entry = std::move(entry);
  options.prefer = std::move(prefer);
  return extract_python(answer, options);
}

// The answer of a real llama-server stream: the `content` deltas, concatenated.
std::string capture_answer() {
  std::ifstream in(std::string(GOODPUT_TEST_DATA_DIR) + "/captures/llama-server/stream-code-block.sse");
  std::string line, answer;
  while (std::getline(in, line)) {
    if (line.rfind("data: ", 0) != 0 || line == "data: [DONE]") continue;
    const auto event = nlohmann::json::parse(line.substr(6));
    for (const auto& choice : event.value("choices", nlohmann::json::array())) {
      const auto& delta = choice.value("delta", nlohmann::json::object());
      if (delta.contains("content") && delta["content"].is_string()) answer += delta["content"].get<std::string>();
    }
  }
  return answer;
}

TEST(CodeExtract, FindsFencesWithAndWithoutLanguageTags) {
  const auto blocks = find_code_blocks("a\n```python\nx = 1\n```\nb\n~~~\ny = 2\n~~~\n````py title=\"f.py\"\nz\n````\n");
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].language, "python");
  EXPECT_EQ(blocks[0].code, "x = 1\n");
  EXPECT_EQ(blocks[0].line, 2u);
  EXPECT_EQ(blocks[1].language, "");
  EXPECT_EQ(blocks[1].code, "y = 2\n");
  EXPECT_EQ(blocks[2].language, "py");
  EXPECT_TRUE(blocks[2].closed);
}

TEST(CodeExtract, RemovesTheFenceIndentationInsideListItems) {
  const auto blocks = find_code_blocks("1. Code:\n   ```python\n   def f():\n       return 1\n   ```\n");
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].code, "def f():\n    return 1\n");
}

TEST(CodeExtract, AnUnclosedBlockRunsToTheEndAndIsFlagged) {
  const auto code = extract("Here:\n```python\ndef json_to_csv(r):\n    return ''\n");
  ASSERT_TRUE(code.found);
  EXPECT_TRUE(code.cut);
  EXPECT_THAT(code.source, HasSubstr("cut off"));
}

TEST(CodeExtract, TheRealCaptureAnswer) {
  const std::string answer = capture_answer();
  ASSERT_THAT(answer, HasSubstr("```python"));
  const auto code = extract(answer, "json_to_csv");
  ASSERT_TRUE(code.found) << code.message;
  EXPECT_TRUE(code.defines_entry);
  EXPECT_THAT(code.code, HasSubstr("def json_to_csv(records):"));
  EXPECT_THAT(code.code, Not(HasSubstr("Here is")));
  EXPECT_EQ(code.source, "block 1 of 1 (python), defines json_to_csv");
}

TEST(CodeExtract, IgnoresThinkBlocksAndReasoningLeftInTheText) {
  const std::string inside = "<think>\n```python\ndef wrong(): pass\n```\n</think>\nAnswer:\n```python\ndef right(): pass\n```\n";
  EXPECT_THAT(extract(inside).code, HasSubstr("def right"));
  EXPECT_THAT(extract(inside).code, Not(HasSubstr("wrong")));
  // A server that strips the opening tag leaves a lone </think>.
  const std::string lone = "```python\ndef wrong(): pass\n```\n</think>\n```python\ndef right(): pass\n```\n";
  EXPECT_THAT(extract(lone).code, Not(HasSubstr("wrong")));
  // Cut off while thinking: no answer at all.
  const auto unclosed = extract("<think>\nLet me write\n```python\ndef f(): pass\n```\n");
  EXPECT_FALSE(unclosed.found);
  EXPECT_THAT(unclosed.message, HasSubstr("only reasoning"));
}

TEST(CodeExtract, SkipsJsonCsvAndShellBlocks) {
  const std::string answer =
      "Input:\n```json\n[{\"a\": 1}]\n```\nRun:\n```bash\npython3 convert.py in.json out.csv\n```\n"
      "Code:\n```python\nimport csv\n\ndef convert(path):\n    pass\n```\nOutput:\n```csv\na\n1\n```\n";
  const auto code = extract(answer);
  ASSERT_TRUE(code.found);
  EXPECT_THAT(code.blocks, ElementsAre(2u));
  EXPECT_THAT(code.source, HasSubstr("block 3 of 4 (python)"));
}

TEST(CodeExtract, NoCodeSaysSo) {
  const auto prose = extract("JSONをCSVに変換するにはcsvモジュールを使います。");
  EXPECT_FALSE(prose.found);
  EXPECT_THAT(prose.message, HasSubstr("no Python code block found in the answer (29 characters; "
                                       "no fenced code blocks"));
  const auto data_only = extract("```json\n[]\n```\n```\na,b\n```\n");
  EXPECT_FALSE(data_only.found);
  EXPECT_THAT(data_only.message, HasSubstr("2 fenced blocks, tagged json; 1 untagged with no def, class or import"));
  EXPECT_THAT(extract("").message, HasSubstr("the answer is empty"));
}

TEST(CodeExtract, AnUntaggedBlockCountsWhenItLooksLikePython) {
  const auto code = extract("Try this:\n```\nimport csv\ndef to_csv(rows):\n    return ''\n```\n");
  ASSERT_TRUE(code.found);
  EXPECT_THAT(code.source, HasSubstr("(untagged)"));
}

TEST(CodeExtract, PicksTheBlockThatDefinesTheEntryPoint) {
  const std::string answer =
      "```python\ndef flatten(d):\n    return d\n```\n"
      "```python\nimport csv\nimport io\n\ndef json_to_csv(records):\n    return io.StringIO().getvalue()\n```\n"
      "Usage:\n```python\ndata = [{'a': 1}]\nprint(json_to_csv(data))\n```\n";
  const auto code = extract(answer, "json_to_csv");
  ASSERT_TRUE(code.found);
  EXPECT_THAT(code.blocks, ElementsAre(1u));
  EXPECT_THAT(code.code, Not(HasSubstr("print(")));
}

TEST(CodeExtract, RanksBlocksByPreferredNamesWithoutAnEntryPoint) {
  const std::string answer =
      "```python\ndef helper(x):\n    return x\n```\n"
      "```python\ndef convert_json_to_csv(src, dst):\n    pass\n```\n";
  EXPECT_THAT(extract(answer, "", {"csv", "json"}).blocks, ElementsAre(1u));
  EXPECT_THAT(extract(answer).blocks, ElementsAre(0u));  // no preference: the first with a def
}

TEST(CodeExtract, JoinsImportsInOneBlockWithTheFunctionInTheNext) {
  const std::string answer =
      "First the imports:\n```python\nimport csv\nimport io\n```\n"
      "Then the function:\n```python\ndef json_to_csv(records):\n    out = io.StringIO()\n"
      "    csv.writer(out).writerows(records)\n    return out.getvalue()\n```\n"
      "Example:\n```python\nprint(json_to_csv([{'a': 1}]))\n```\n";
  const auto code = extract(answer, "json_to_csv");
  ASSERT_TRUE(code.found);
  EXPECT_THAT(code.blocks, ElementsAre(0u, 1u));
  EXPECT_EQ(code.code, "import csv\nimport io\n\ndef json_to_csv(records):\n    out = io.StringIO()\n"
                       "    csv.writer(out).writerows(records)\n    return out.getvalue()\n");
  EXPECT_THAT(code.source, HasSubstr("blocks 1+2 of 3 joined"));
}

TEST(CodeExtract, JoinsAHelperDefinedInALaterBlockButNotTopLevelCode) {
  const std::string answer =
      "```python\ndef json_to_csv(records):\n    return _cell(records)\n```\n"
      "The helper:\n```python\ndef _cell(v):\n    return str(v)\n```\n"
      "```python\n_cell = open('x.json').read()\n```\n";
  const auto code = extract(answer, "json_to_csv");
  EXPECT_THAT(code.blocks, ElementsAre(0u, 1u));
}

TEST(CodeExtract, NeverJoinsASecondVersionOfTheEntryPoint) {
  const std::string answer =
      "```python\nimport csv\ndef json_to_csv(r):\n    return 'v1'\n```\n"
      "Improved:\n```python\nimport csv\ndef json_to_csv(r):\n    return 'v2'\n```\n";
  const auto code = extract(answer, "json_to_csv");
  EXPECT_THAT(code.blocks, ElementsAre(0u));
}

TEST(CodeExtract, BareCodeWithoutFences) {
  const auto code = extract("import csv\n\n\ndef json_to_csv(records):\n    return ''\n");
  ASSERT_TRUE(code.found);
  EXPECT_EQ(code.source, "the whole answer (bare code, no fences)");
  EXPECT_TRUE(extract("import csv\ndef f():\n    pass\n", "f").defines_entry);
  // Prose around code without fences is not bare code.
  EXPECT_FALSE(extract("Here is the code.\nimport csv\ndef f():\n    pass\n").found);
}

TEST(ScanPython, FindsDefinitionsAndNamesOutsideStringsAndComments) {
  const PythonScan scan = scan_python(
      "import csv, json as j\nfrom io import StringIO as S, BytesIO\n"
      "LIMIT: int = 10\n"
      "def json_to_csv(records):\n    '''def fake(): uses nothing'''\n    # def also_fake\n"
      "    return S(csv.x)\n"
      "class Converter:\n    def method(self):\n        pass\n"
      "if __name__ == '__main__':\n    main()\n");
  EXPECT_THAT(scan.functions, ElementsAre("json_to_csv"));
  for (const char* name : {"csv", "j", "S", "BytesIO", "LIMIT", "json_to_csv", "Converter"}) {
    EXPECT_TRUE(scan.defined.count(name)) << name;
  }
  EXPECT_FALSE(scan.defined.count("fake"));
  EXPECT_FALSE(scan.used.count("x"));  // an attribute
  EXPECT_TRUE(scan.used.count("main"));
  EXPECT_TRUE(scan.definitions_only);
  EXPECT_TRUE(scan.has_definitions);
  EXPECT_FALSE(scan_python("import json\ndata = json.load(open('in.json'))\n").definitions_only);
  EXPECT_FALSE(scan_python("print('hi')\n").definitions_only);
}

TEST(ScanPython, JoinsBracketsAndContinuations) {
  const PythonScan scan = scan_python("from typing import (\n    Any,\n    Dict,\n)\nx = [\n1,\n2]\n");
  EXPECT_TRUE(scan.defined.count("Any"));
  EXPECT_TRUE(scan.defined.count("Dict"));
  EXPECT_TRUE(scan.reads_as_statements);
}

TEST(CodeExtract, PythonLanguageNames) {
  for (const char* tag : {"python", "Python", "py", "python3", "py3", "ipython", "convert.py"}) {
    EXPECT_TRUE(is_python_language(tag)) << tag;
  }
  for (const char* tag : {"", "json", "csv", "bash", "sh", "text", "pycon", "javascript"}) {
    EXPECT_FALSE(is_python_language(tag)) << tag;
  }
}

}  // namespace
}  // namespace goodput::checkers
