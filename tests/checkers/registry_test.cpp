// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "checker_test_support.hpp"

namespace goodput::checkers {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const CheckerType& type : checker_types()) out.push_back(type.name);
  return out;
}

TEST(Registry, ListsTheTextAndNumberTypesFirstInAStableOrder) {
  const std::vector<std::string> all = names();
  ASSERT_GE(all.size(), 10u);
  EXPECT_THAT(std::vector<std::string>(all.begin(), all.begin() + 10),
              ElementsAre("contains", "not-contains", "icontains", "regex", "equals", "length", "list-count",
                          "number", "stop-reason", "max-latency"));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size()) << "a name is registered twice";
}

TEST(Registry, FindsTypesByExactName) {
  const CheckerType* type = find_checker_type("list-count");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->name, "list-count");
  EXPECT_EQ(find_checker_type("list_count"), nullptr);
  EXPECT_EQ(find_checker_type(""), nullptr);
}

TEST(Registry, EveryTypeIsDocumentedAndBuildable) {
  for (const CheckerType& type : checker_types()) {
    EXPECT_FALSE(type.summary.empty()) << type.name;
    EXPECT_TRUE(static_cast<bool>(type.make)) << type.name;
    std::set<std::string> seen;
    for (const ParamSpec& spec : type.params) {
      EXPECT_TRUE(seen.insert(spec.name).second) << type.name << "." << spec.name << " twice";
      EXPECT_FALSE(spec.help.empty()) << type.name << "." << spec.name;
    }
  }
}

TEST(Registry, RequiredParamsMatchWhatTheFactoriesNeed) {
  auto required = [](std::string_view name) {
    std::vector<std::string> out;
    for (const ParamSpec& spec : find_checker_type(name)->params) {
      if (spec.required) out.push_back(spec.name);
    }
    return out;
  };
  EXPECT_THAT(required("contains"), ElementsAre("value"));
  EXPECT_THAT(required("regex"), ElementsAre("pattern"));
  EXPECT_THAT(required("number"), ElementsAre("expected"));
  EXPECT_THAT(required("length"), ElementsAre());  // min or max, checked by the factory
}

TEST(Registry, OutcomeNames) {
  EXPECT_EQ(to_string(Outcome::pass), "pass");
  EXPECT_EQ(to_string(Outcome::fail), "fail");
  EXPECT_EQ(to_string(Outcome::error), "error");
}

TEST(Registry, NoCheckerThrowsOnHostileAnswers) {
  using namespace std::string_literals;
  const std::vector<std::pair<std::string, Params>> checkers = {
      {"contains", testing::params({{"value", "x"s}})},
      {"not-contains", testing::params({{"value", "x"s}})},
      {"icontains", testing::params({{"value", "Ｘ"s}})},
      {"regex", testing::params({{"pattern", "a+b"s}})},
      {"equals", testing::params({{"value", "x"s}})},
      {"length", testing::params({{"min", std::int64_t{1}}})},
      {"list-count", testing::params({{"count", std::int64_t{1}}})},
      {"number", testing::params({{"expected", 1.0}, {"near", "x"s}})},
      {"stop-reason", testing::params({{"not", "length"s}})},
      {"max-latency", testing::params({{"e2e", 1.0}})},
  };
  const std::string hostile[] = {
      "", "\xff\xfe\xfd", "\xe3\x81", std::string(3, '\0'), "```\n1. x", "x\n" + std::string(200'000, '9'),
      std::string(200'000, 'a') + "\xe3",
  };
  for (const auto& [name, values] : checkers) {
    const auto checker = testing::make_checker(name, values);
    EXPECT_FALSE(checker->describe().empty()) << name;
    for (const std::string& text : hostile) {
      CheckResult result;
      EXPECT_NO_THROW(result = checker->check(testing::answer(text))) << name;
      EXPECT_FALSE(result.message.empty()) << name;
    }
  }
}

}  // namespace
}  // namespace goodput::checkers
