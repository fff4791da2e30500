// SPDX-License-Identifier: MIT
#include "goodput/sim_profiles.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string_view>

#include "goodput/pattern.hpp"
#include "goodput/yaml_util.hpp"

namespace goodput::sim {

namespace {

using detail::index_field;
using detail::join_field;
using detail::YamlReader;

constexpr std::array<std::string_view, 6> k_fault_kinds = {"", "error", "old-error", "disconnect", "stall",
                                                           "http-503"};

std::string optional_string(const YamlReader& reader, const YAML::Node& map, const std::string& key,
                            const std::string& field, std::string fallback) {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return fallback;
  return reader.string(node, join_field(field, key));
}

int small_count(const YamlReader& reader, const YAML::Node& node, const std::string& field) {
  return static_cast<int>(reader.integer_in(node, field, 0, std::numeric_limits<int>::max()));
}

// Delays in milliseconds, up to a day: larger ones would overflow the server's clock arithmetic.
double read_ms(const YamlReader& reader, const YAML::Node& node, const std::string& field) {
  return reader.number_in(node, field, 0, 86'400'000, "ms");
}

SimFault read_fault(const YamlReader& reader, const YAML::Node& node, const std::string& field) {
  reader.expect_map(node, field);
  reader.check_keys(node, field, {"kind", "after_tokens", "stall_ms"});
  SimFault fault;
  const YAML::Node kind = reader.require(node, "kind", field);
  fault.kind = reader.string(kind, join_field(field, "kind"));
  if (fault.kind.empty() || !is_known_fault_kind(fault.kind))
    reader.fail(kind, join_field(field, "kind"),
                "unknown fault kind '" + fault.kind + "' (allowed: error, old-error, disconnect, stall, http-503)");
  if (const YAML::Node n = node["after_tokens"]; n.IsDefined())
    fault.after_tokens = small_count(reader, n, join_field(field, "after_tokens"));
  if (const YAML::Node n = node["stall_ms"]; n.IsDefined())
    fault.stall_ms = small_count(reader, n, join_field(field, "stall_ms"));
  if (fault.kind == "stall" && fault.stall_ms <= 0)
    reader.fail(node, join_field(field, "stall_ms"), "a stall fault needs stall_ms > 0");
  return fault;
}

SimAnswer read_answer(const YamlReader& reader, const YAML::Node& node, const std::string& field) {
  reader.expect_map(node, field);
  reader.check_keys(node, field, {"match", "reasoning", "text", "finish", "fault", "chance"});
  SimAnswer answer;
  answer.match = optional_string(reader, node, "match", field, "");
  if (!answer.match.empty()) {
    try {
      Pattern::get(answer.match);
    } catch (const PatternError& e) {
      reader.fail(node["match"], join_field(field, "match"),
                  "'" + answer.match + "' is not a valid regular expression: " + e.what() + "\n" + e.pointer("    "));
    }
  }
  answer.reasoning = optional_string(reader, node, "reasoning", field, "");
  answer.text = reader.string(reader.require(node, "text", field), join_field(field, "text"));
  answer.finish = optional_string(reader, node, "finish", field, "stop");
  if (answer.finish != "stop" && answer.finish != "length")
    reader.fail(node["finish"], join_field(field, "finish"),
                "expected 'stop' or 'length', got '" + answer.finish + "'");
  if (const YAML::Node fault = node["fault"]; fault.IsDefined() && !fault.IsNull())
    answer.fault = read_fault(reader, fault, join_field(field, "fault"));
  if (const YAML::Node chance = node["chance"]; chance.IsDefined() && !chance.IsNull()) {
    answer.chance = reader.number_in(chance, join_field(field, "chance"), 0, 1);
  }
  return answer;
}

void read_delivery(const YamlReader& reader, const YAML::Node& node, const std::string& field, SimProfile& profile) {
  if (const YAML::Node delivery = node["delivery"]; delivery.IsDefined() && !delivery.IsNull()) {
    const std::string word = reader.string(delivery, join_field(field, "delivery"));
    if (word == "tokens") profile.delivery = SimDelivery::tokens;
    else if (word == "blocks") profile.delivery = SimDelivery::blocks;
    else if (word == "once") profile.delivery = SimDelivery::once;
    else if (word == "body") profile.delivery = SimDelivery::body;
    else reader.fail(delivery, join_field(field, "delivery"), "unknown delivery '" + word + "' (allowed: tokens, blocks, once, body)");
  }
  if (const YAML::Node blocks = node["blocks"]; blocks.IsDefined() && !blocks.IsNull()) {
    const std::string blocks_field = join_field(field, "blocks");
    if (profile.delivery != SimDelivery::blocks) reader.fail(blocks, blocks_field, "needs delivery: blocks");
    const std::int64_t value = reader.integer(blocks, blocks_field);
    constexpr std::int64_t k_most_blocks = 100000;
    if (value < 1 || value > k_most_blocks)
      reader.fail(blocks, blocks_field, "expected a whole number from 1 to " + std::to_string(k_most_blocks) + ", got " + std::to_string(value));
    profile.blocks = static_cast<int>(value);
  }
}

SimProfile read_profile(const YamlReader& reader, const YAML::Node& node, const std::string& field) {
  reader.expect_map(node, field);
  reader.check_keys(node, field, {"id", "ttft_ms", "tokens_per_second", "system_fingerprint", "answers", "seed",
                                "prompt_cache", "warm_ttft_ms", "delivery", "blocks", "judge"});
  SimProfile profile;
  profile.where = reader.where(node);
  const YAML::Node id = reader.require(node, "id", field);
  profile.id = reader.string(id, join_field(field, "id"));
  if (profile.id.empty()) reader.fail(id, join_field(field, "id"), "the model id must not be empty");

  const YAML::Node ttft = reader.require(node, "ttft_ms", field);
  profile.ttft_ms = read_ms(reader, ttft, join_field(field, "ttft_ms"));

  const YAML::Node rate = reader.require(node, "tokens_per_second", field);
  // A rate above a million tokens/s would make the token interval round to nothing.
  profile.tokens_per_second = reader.number_in(rate, join_field(field, "tokens_per_second"), 0.001, 1e6);

  if (const YAML::Node judge = node["judge"]; judge.IsDefined() && !judge.IsNull())
    profile.judge = reader.boolean(judge, join_field(field, "judge"));
  if (const YAML::Node cache = node["prompt_cache"]; cache.IsDefined() && !cache.IsNull())
    profile.prompt_cache = reader.boolean(cache, join_field(field, "prompt_cache"));
  profile.warm_ttft_ms = profile.ttft_ms / 10;
  if (const YAML::Node warm = node["warm_ttft_ms"]; warm.IsDefined() && !warm.IsNull()) {
    profile.warm_ttft_ms = read_ms(reader, warm, join_field(field, "warm_ttft_ms"));
    if (!profile.prompt_cache) reader.fail(warm, join_field(field, "warm_ttft_ms"), "needs prompt_cache: true");
  }

  read_delivery(reader, node, field, profile);

  profile.seed = default_seed(profile.id);
  if (const YAML::Node seed = node["seed"]; seed.IsDefined() && !seed.IsNull()) {
    profile.seed = static_cast<std::uint64_t>(
        reader.integer_in(seed, join_field(field, "seed"), 0, std::numeric_limits<std::int64_t>::max()));
  }

  profile.system_fingerprint =
      optional_string(reader, node, "system_fingerprint", field, profile.system_fingerprint);

  if (const YAML::Node answers = node["answers"]; answers.IsDefined() && !answers.IsNull()) {
    const std::string answers_field = join_field(field, "answers");
    reader.expect_sequence(answers, answers_field);
    for (std::size_t i = 0; i < answers.size(); ++i)
      profile.answers.push_back(read_answer(reader, answers[i], index_field(answers_field, i)));
  }
  return profile;
}

}  // namespace

std::uint64_t default_seed(const std::string& id) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const unsigned char c : id) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

bool is_known_fault_kind(const std::string& kind) {
  return std::find(k_fault_kinds.begin(), k_fault_kinds.end(), kind) != k_fault_kinds.end();
}

SimConfig load_sim_profiles(const std::string& path) {
  const YamlReader reader(path);
  const YAML::Node root = reader.load();
  reader.expect_map(root, "");
  reader.check_keys(root, "", {"models"});
  const YAML::Node models = reader.require(root, "models", "");
  reader.expect_sequence(models, "models");
  if (models.size() == 0) reader.fail(models, "models", "the list of simulated models is empty");

  SimConfig config;
  for (std::size_t i = 0; i < models.size(); ++i) {
    const std::string field = index_field("models", i);
    SimProfile profile = read_profile(reader, models[i], field);
    for (const SimProfile& earlier : config.profiles) {
      if (earlier.id == profile.id)
        reader.fail(models[i]["id"], join_field(field, "id"),
                    "model id '" + profile.id + "' is already defined at " + earlier.where.str());
    }
    config.profiles.push_back(std::move(profile));
  }
  return config;
}

}  // namespace goodput::sim
