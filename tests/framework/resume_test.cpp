// SPDX-License-Identifier: MIT
// `--resume` and the servers' fingerprints (commands/src/resume.hpp): a server that changed
// under runs already in the journal is refused, saying what changed; what was not known then
// or is not known now, and models whose runs all have to be redone, are not held against it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "commands/src/resume.hpp"
#include "goodput/error.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

detail::Resumption resumption_with(Json saved_fingerprints, std::set<RunKey> restored, bool in_process_sim = false) {
  detail::Resumption r;
  r.dir = "out";
  r.saved = {{"fingerprints", std::move(saved_fingerprints)}};
  r.restored = std::move(restored);
  r.in_process_sim = in_process_sim;
  return r;
}

Plan plan_with(Json fingerprint) {
  Plan plan;
  plan.total_runs = 4;
  plan.fingerprints["m"] = std::move(fingerprint);
  return plan;
}

const Json k_then = {{"endpoint", "http://127.0.0.1:8080/v1"}, {"server_version", "b4000"}, {"quantisation", nullptr}};

TEST(ResumeFingerprints, AServerThatChangedUnderFinishedRunsIsRefused) {
  Plan plan = plan_with({{"endpoint", "http://127.0.0.1:8080/v1"}, {"server_version", "b4100"}, {"quantisation", nullptr}});
  try {
    detail::check_fingerprints(resumption_with({{"m", k_then}}, {{"m", "s.t", 0}}), plan);
    FAIL() << "not refused";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.message(), HasSubstr("refusing to resume"));
    EXPECT_THAT(e.message(), HasSubstr("model m: server_version (\"b4000\" -> \"b4100\")"));
  }
}

TEST(ResumeFingerprints, TheSameServerResumesAndTheTakenRunsCountInThePlan) {
  Plan plan = plan_with(k_then);
  detail::check_fingerprints(resumption_with({{"m", k_then}}, {{"m", "s.t", 0}, {"m", "s.t", 1}}), plan);
  EXPECT_EQ(plan.total_runs, 6u);
}

TEST(ResumeFingerprints, WhatIsNotKnownOnOneSideIsNoChange) {
  Json now = k_then;
  now["quantisation"] = "Q4_K_M";  // null then: the server did not say
  Plan plan = plan_with(now);
  EXPECT_NO_THROW(detail::check_fingerprints(resumption_with({{"m", k_then}}, {{"m", "s.t", 0}}), plan));
}

TEST(ResumeFingerprints, AModelWithNoRunTakenFromTheJournalStartsAfresh) {
  Json now = k_then;
  now["server_version"] = "b5000";
  Plan plan = plan_with(now);
  EXPECT_NO_THROW(detail::check_fingerprints(resumption_with({{"m", k_then}}, {{"other", "s.t", 0}}), plan));
}

TEST(ResumeFingerprints, TheInProcessSimulatorsPortIsNoChange) {
  Json now = k_then;
  now["endpoint"] = "http://127.0.0.1:9999/v1";
  Plan plan = plan_with(now);
  EXPECT_NO_THROW(detail::check_fingerprints(resumption_with({{"m", k_then}}, {{"m", "s.t", 0}}, true), plan));
  EXPECT_THROW(detail::check_fingerprints(resumption_with({{"m", k_then}}, {{"m", "s.t", 0}}, false), plan), ConfigError);
}

}  // namespace
}  // namespace goodput
