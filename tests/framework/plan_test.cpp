// The plan: which runs a process does and in what order. Sharding must put every run in
// exactly one shard whatever the number of shards; shuffling must be reproducible from the
// seed; bad shard settings must be refused with the setting's name.
#include <algorithm>
#include <functional>
#include <set>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/error.hpp"
#include "goodput/plan.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;
using Key = std::tuple<std::string, std::string, int>;  // model name, task id, sample

ModelSpec model(const std::string& name) {
  ModelSpec m;
  m.name = name;
  m.model = name;
  return m;
}

TaskSpec task(const std::string& suite, const std::string& name, int repeat = 1) {
  TaskSpec t;
  t.suite = suite;
  t.name = name;
  t.repeat = repeat;
  return t;
}

std::vector<Key> keys(const std::vector<PlannedRun>& runs) {
  std::vector<Key> out;
  for (const auto& r : runs) out.emplace_back(r.model->name, r.task->id(), r.sample);
  return out;
}

class PlanTest : public ::testing::Test {
 protected:
  // Several models, tasks with different repeats, so samples and models interleave.
  std::vector<ModelSpec> m_models{model("beta"), model("alpha"), model("gamma")};
  std::vector<TaskSpec> m_tasks{task("s", "one"), task("s", "two", 3), task("t", "three", 2), task("s", "four")};
};

TEST_F(PlanTest, SampleMajorWithoutOptions) {
  const auto runs = keys(plan_runs(m_models, m_tasks, {}));
  ASSERT_EQ(runs.size(), 3u * (1 + 3 + 2 + 1));
  // Every task's first sample before any second sample, per model, in file order.
  const std::vector<Key> beta(runs.begin(), runs.begin() + 7);
  EXPECT_EQ(beta, (std::vector<Key>{{"beta", "s.one", 0}, {"beta", "s.two", 0}, {"beta", "t.three", 0}, {"beta", "s.four", 0},
                                    {"beta", "s.two", 1}, {"beta", "t.three", 1}, {"beta", "s.two", 2}}));
}

TEST_F(PlanTest, RepeatMultipliesEachTasksOwnRepeat) {
  PlanOptions options;
  options.repeat = 2;
  EXPECT_EQ(plan_runs(m_models, m_tasks, options).size(), 3u * (2 + 6 + 4 + 2));
}

TEST_F(PlanTest, FilterLeavesOutRejectedTasks) {
  PlanOptions options;
  options.filter = TaskFilter("s.*-s.two");
  for (const auto& [m, id, sample] : keys(plan_runs(m_models, m_tasks, options))) EXPECT_TRUE(id == "s.one" || id == "s.four") << id;
  EXPECT_EQ(plan_runs(m_models, m_tasks, options).size(), 6u);
  EXPECT_EQ(select_tasks(m_tasks, options.filter).size(), 2u);
}

TEST_F(PlanTest, EveryRunIsInExactlyOneShard) {
  for (int repeat : {1, 3}) {
    PlanOptions base;
    base.repeat = repeat;
    const auto all = keys(plan_runs(m_models, m_tasks, base));
    const std::multiset<Key> expected(all.begin(), all.end());
    for (int total = 1; total <= 7; ++total) {
      std::multiset<Key> seen;
      std::size_t smallest = all.size(), largest = 0;
      for (int index = 0; index < total; ++index) {
        PlanOptions options = base;
        options.shard = Shard{index, total};
        const auto shard = keys(plan_runs(m_models, m_tasks, options));
        seen.insert(shard.begin(), shard.end());
        smallest = std::min(smallest, shard.size());
        largest = std::max(largest, shard.size());
      }
      EXPECT_EQ(seen, expected) << "repeat " << repeat << ", " << total << " shards";
      EXPECT_LE(largest - smallest, 1u) << "round-robin keeps shards within one run of each other";
    }
  }
}

TEST_F(PlanTest, ShardsAreRoundRobinOverTheStableOrder) {
  auto all = keys(plan_runs(m_models, m_tasks, {}));
  std::sort(all.begin(), all.end());  // (model name, task id, sample)
  PlanOptions options;
  options.shard = Shard{1, 3};
  auto shard = keys(plan_runs(m_models, m_tasks, options));
  std::sort(shard.begin(), shard.end());
  std::vector<Key> expected;
  for (std::size_t k = 1; k < all.size(); k += 3) expected.push_back(all[k]);
  EXPECT_EQ(shard, expected);
}

TEST_F(PlanTest, ShardsDoNotDependOnTheOrderOfModelsAndTasks) {
  // Two CI jobs may list models or tasks differently; they must still agree on the split.
  std::vector<ModelSpec> models(m_models.rbegin(), m_models.rend());
  std::vector<TaskSpec> tasks(m_tasks.rbegin(), m_tasks.rend());
  for (int index = 0; index < 4; ++index) {
    PlanOptions options;
    options.shard = Shard{index, 4};
    auto a = keys(plan_runs(m_models, m_tasks, options));
    auto b = keys(plan_runs(models, tasks, options));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b);
  }
}

TEST_F(PlanTest, ShardKeepsSampleMajorOrder) {
  PlanOptions options;
  options.shard = Shard{0, 2};
  const auto runs = plan_runs(m_models, m_tasks, options);
  const auto all = plan_runs(m_models, m_tasks, {});
  // The shard is a subsequence of the unsharded plan.
  std::size_t at = 0;
  for (const auto& r : runs) {
    while (at < all.size() && !(all[at].model == r.model && all[at].task == r.task && all[at].sample == r.sample)) ++at;
    ASSERT_LT(at, all.size());
  }
}

TEST_F(PlanTest, MoreShardsThanRunsLeavesSomeEmpty) {
  std::vector<TaskSpec> one{task("s", "only")};
  std::vector<ModelSpec> single{model("m")};
  PlanOptions options;
  options.shard = Shard{0, 3};
  EXPECT_EQ(plan_runs(single, one, options).size(), 1u);
  options.shard = Shard{2, 3};
  EXPECT_TRUE(plan_runs(single, one, options).empty());
}

TEST_F(PlanTest, ShuffleIsDeterministicForASeedAndOnlyReordersWithinEachModel) {
  PlanOptions options;
  options.shuffle = true;
  options.seed = 12345;
  const auto plain = plan_runs(m_models, m_tasks, {});
  const auto a = plan_runs(m_models, m_tasks, options);
  const auto b = plan_runs(m_models, m_tasks, options);
  EXPECT_EQ(keys(a), keys(b));
  ASSERT_EQ(a.size(), plain.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].model, plain[i].model) << "each model keeps its slots";
  auto sorted_a = keys(a), sorted_plain = keys(plain);
  std::sort(sorted_a.begin(), sorted_a.end());
  std::sort(sorted_plain.begin(), sorted_plain.end());
  EXPECT_EQ(sorted_a, sorted_plain) << "same runs, other order";
  EXPECT_NE(keys(a), keys(plain));

  options.seed = 54321;
  EXPECT_NE(keys(plan_runs(m_models, m_tasks, options)), keys(a));
}

TEST_F(PlanTest, AModelsShuffledOrderDependsOnlyOnTheSeedAndItsName) {
  PlanOptions options;
  options.shuffle = true;
  options.seed = 7;
  const std::vector<ModelSpec> alone{model("alpha")};
  std::vector<Key> with_others;
  for (const auto& k : keys(plan_runs(m_models, m_tasks, options)))
    if (std::get<0>(k) == "alpha") with_others.push_back(k);
  EXPECT_EQ(keys(plan_runs(alone, m_tasks, options)), with_others);
}

constexpr const char* k_pinned_order_seed_42 = "aedcbf";  // checked against an independent mt19937_64

TEST_F(PlanTest, ShuffledOrderIsTheSameOnEveryPlatform) {
  // Pinned: the order comes from std::mt19937_64, whose output the standard fixes, and not
  // from std::shuffle, whose algorithm each standard library chooses.
  std::vector<TaskSpec> tasks;
  for (const char* n : {"a", "b", "c", "d", "e", "f"}) tasks.push_back(task("s", n));
  const std::vector<ModelSpec> single{model("m")};
  PlanOptions options;
  options.shuffle = true;
  options.seed = 42;
  std::string order;
  for (const auto& r : plan_runs(single, tasks, options)) order += r.task->name;
  EXPECT_EQ(order, k_pinned_order_seed_42);
}

TEST_F(PlanTest, ShardingDoesNotDependOnTheSeed) {
  PlanOptions options;
  options.shard = Shard{1, 3};
  auto plain = keys(plan_runs(m_models, m_tasks, options));
  options.shuffle = true;
  options.seed = 99;
  auto shuffled = keys(plan_runs(m_models, m_tasks, options));
  std::sort(plain.begin(), plain.end());
  std::sort(shuffled.begin(), shuffled.end());
  EXPECT_EQ(plain, shuffled);
}

void expect_config_error(const std::function<void()>& f, const std::string& text) {
  try {
    f();
    ADD_FAILURE() << "expected a ConfigError mentioning " << text;
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr(text));
  }
}

TEST(ResolveShard, NoneWhenNothingIsSet) { EXPECT_FALSE(resolve_shard("", nullptr, nullptr).has_value()); }

TEST(ResolveShard, FlagIsIndexSlashTotal) {
  const auto s = resolve_shard("2/5", nullptr, nullptr);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->total, 5);
}

TEST(ResolveShard, FlagWinsOverTheEnvironment) {
  const auto s = resolve_shard("0/2", "7", "6");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 0);
  EXPECT_EQ(s->total, 2);
  // Even over a broken environment: the flag is what the user asked for here.
  EXPECT_TRUE(resolve_shard("1/2", nullptr, "x").has_value());
}

TEST(ResolveShard, BadFlagsAreRefused) {
  for (const char* bad : {"1", "1/", "/2", "a/b", "1/2/3", " 1/2", "1/2 ", "-1/2", "2/2", "3/2", "0/0", "+1/2"})
    expect_config_error([&] { resolve_shard(bad, nullptr, nullptr); }, "--shard");
}

TEST(ResolveShard, EnvironmentLikeGtest) {
  const auto s = resolve_shard("", "3", "1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 1);
  EXPECT_EQ(s->total, 3);
  const auto single = resolve_shard("", "1", "0");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->total, 1);
}

TEST(ResolveShard, HalfSetEnvironmentNamesTheMissingVariable) {
  expect_config_error([] { resolve_shard("", nullptr, "1"); }, "GTEST_TOTAL_SHARDS is not");
  expect_config_error([] { resolve_shard("", "4", nullptr); }, "GTEST_SHARD_INDEX is not");
}

TEST(ResolveShard, MalformedOrOutOfRangeEnvironmentIsRefused) {
  expect_config_error([] { resolve_shard("", "four", "1"); }, "GTEST_TOTAL_SHARDS");
  expect_config_error([] { resolve_shard("", "4", "one"); }, "GTEST_SHARD_INDEX");
  expect_config_error([] { resolve_shard("", "", "0"); }, "GTEST_TOTAL_SHARDS");
  expect_config_error([] { resolve_shard("", "4", ""); }, "GTEST_SHARD_INDEX");
  expect_config_error([] { resolve_shard("", "4", "4"); }, "GTEST_SHARD_INDEX=4, GTEST_TOTAL_SHARDS=4");
  expect_config_error([] { resolve_shard("", "4", "-1"); }, "GTEST_SHARD_INDEX=-1");
  expect_config_error([] { resolve_shard("", "0", "0"); }, "GTEST_TOTAL_SHARDS: out of range");
}

TEST(TimeBasedSeed, IsShortAndPositive) {
  const auto seed = time_based_seed();
  EXPECT_GE(seed, 1u);
  EXPECT_LE(seed, 99999u);
}

}  // namespace
}  // namespace goodput
