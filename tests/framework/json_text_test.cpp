// SPDX-License-Identifier: MIT
// JSON text written a piece at a time (goodput/json_text.hpp) is json_text(value, 2) byte for
// byte, at any depth: results.json and resume.json keep their layout however they are written.
#include "goodput/json_text.hpp"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace goodput::detail {
namespace {

using nlohmann::json;

// Nested and empty containers, every scalar type, a key and a value that need escaping, and
// bytes that are not UTF-8 (written as U+FFFD, never thrown).
json varied_document() {
  json doc = {{"empty_object", json::object()},
              {"empty_array", json::array()},
              {"numbers", {0, -1, 2.5, 1e300, 18446744073709551615ULL}},
              {"flags", {true, false, nullptr}},
              {"text", "line\nbreak \"quoted\" \\ tab\t 東京"},
              {"key \"with\" quotes\n", {{"deeper", {{"deepest", json::array({json::object(), json::array({1})})}}}}}};
  doc["not_utf8"] = std::string("a\xff\xfe" "b");
  return doc;
}

TEST(JsonText, WrittenPieceByPieceIsTheWholeDump) {
  const json doc = varied_document();
  std::ostringstream out;
  write_json_text(out, doc);
  EXPECT_EQ(out.str(), json_text(doc, 2));
  EXPECT_NE(out.str().find("a\xef\xbf\xbd"), std::string::npos);  // U+FFFD
}

TEST(JsonText, ScalarsAndEmptyContainersAsDumpWritesThem) {
  for (const json& value : {json(nullptr), json(3), json("x"), json::object(), json::array()}) {
    std::ostringstream out;
    write_json_text(out, value, 3);
    EXPECT_EQ(out.str(), json_text(value, 2)) << json_text(value);
  }
}

// A value `depth` containers deep takes the indent of its place in the enclosing document.
TEST(JsonText, AValueDeepInADocumentTakesItsIndent) {
  const json inner = varied_document();
  const json outer = {{"a", {{"b", inner}}}};
  std::ostringstream out;
  JsonTextContainer a(out, 0, true);
  JsonTextContainer b(out, a.member("a"), true);
  write_json_text(out, inner, b.member("b"));
  b.close();
  a.close();
  EXPECT_EQ(out.str(), json_text(outer, 2));
}

}  // namespace
}  // namespace goodput::detail
