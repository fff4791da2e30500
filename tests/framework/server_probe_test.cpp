// What the fingerprint learns from each server's self-description (each dialect's
// read_server_info, in the order of its probe_paths), fed the documents of
// shared/wire-formats.md §B-§D, and how it merges with a completion (server_probe.hpp).
#include <gtest/gtest.h>

#include "goodput/server_probe.hpp"

namespace goodput::detail {
namespace {

using nlohmann::json;

ServerInfo info_from(const char* dialect, const std::string& model, std::vector<json> answers) {
  const Dialect& d = find_dialect(dialect);
  EXPECT_EQ(answers.size(), d.probe_paths.size());
  return d.read_server_info(model, answers);
}

TEST(ServerProbe, RootDropsTheApiSuffix) {
  EXPECT_EQ(server_root("http://h:8080/v1"), "http://h:8080");
  EXPECT_EQ(server_root("http://h:8080/v1/"), "http://h:8080");
  EXPECT_EQ(server_root("http://h:1234/api/v0"), "http://h:1234");
  EXPECT_EQ(server_root("http://h:11434"), "http://h:11434");
}

TEST(ServerProbe, LlamaCppPropsAndModelMeta) {
  const json models = json::parse(R"({"object":"list","data":[{"id":"/models/qwen.gguf","owned_by":"llamacpp",
      "meta":{"n_ctx_train":32768,"n_params":7000000000,"ftype":"Q4_K_M"}}]})");
  const json props = json::parse(R"({"build_info":"b6000-abc123","default_generation_settings":{"n_ctx":8192}})");
  const ServerInfo info = info_from("openai", "whatever", {models, props});
  EXPECT_EQ(info.version, "b6000-abc123");
  EXPECT_EQ(info.context_length, 8192);  // what the server allocated beats the training context
  EXPECT_EQ(info.quantisation, "Q4_K_M");
  const ServerInfo no_props = info_from("openai", "whatever", {models, nullptr});
  EXPECT_EQ(no_props.context_length, 32768);
}

TEST(ServerProbe, OllamaTagsAndVersion) {
  const json tags = json::parse(R"({"models":[{"name":"qwen3:8b","model":"qwen3:8b",
      "details":{"family":"qwen3","parameter_size":"8.2B","quantization_level":"Q4_K_M"}},
      {"name":"llama3:latest","details":{"quantization_level":"Q8_0"}}]})");
  const ServerInfo info = info_from("ollama", "qwen3:8b", {json{{"version", "0.12.3"}}, tags});
  EXPECT_EQ(info.version, "0.12.3");
  EXPECT_EQ(info.quantisation, "Q4_K_M");
  EXPECT_EQ(info.arch, "qwen3");
}

TEST(ServerProbe, LmStudioModels) {
  const json models = json::parse(R"({"data":[{"id":"granite-3.0-2b","arch":"granite","quantization":"Q4_K_M",
      "state":"loaded","max_context_length":4096},{"id":"other","quantization":"Q8_0"}]})");
  const ServerInfo info = info_from("lmstudio", "granite-3.0-2b", {models});
  EXPECT_EQ(info.quantisation, "Q4_K_M");
  EXPECT_EQ(info.context_length, 4096);
  EXPECT_EQ(info.arch, "granite");
}

TEST(ServerProbe, FingerprintIsFlatAndTheCompletionWins) {
  ModelSpec model;
  model.name = "m";
  model.base_url = "http://h:1234/v1";
  model.dialect = "lmstudio";
  model.model = "granite";
  ServerInfo probe;
  probe.quantisation = "Q8_0";
  Completion c;
  c.server_version = "llama.cpp-linux 1.3.0";
  c.server_model_info = {{"quant", "Q4_K_M"}, {"context_length", "4096"}, {"arch", "granite"}};
  c.system_fingerprint = "";
  const json body = {{"model", "granite"}, {"messages", json::array()}, {"max_tokens", 64}, {"stream", true}};
  const json f = make_fingerprint(model, probe, &c, body);
  EXPECT_EQ(f["dialect"], "lmstudio");
  EXPECT_EQ(f["endpoint"], "http://h:1234/v1");
  EXPECT_EQ(f["model"], "granite");
  EXPECT_EQ(f["server_version"], "llama.cpp-linux 1.3.0");
  EXPECT_EQ(f["quantisation"], "Q4_K_M");
  EXPECT_EQ(f["context_length"], 4096);
  EXPECT_TRUE(f["system_fingerprint"].is_null());
  EXPECT_EQ(f["request_params"], (json{{"model", "granite"}, {"max_tokens", 64}, {"stream", true}}));
  for (const auto& [key, value] : f.items()) {
    if (key != "request_params") {
      EXPECT_FALSE(value.is_object() || value.is_array()) << key;
    }
  }
  // Without a completion: the probe's figures, and the same keys.
  const json bare = make_fingerprint(model, probe, nullptr, body);
  EXPECT_EQ(bare["quantisation"], "Q8_0");
  EXPECT_EQ(bare.size(), f.size());
}

}  // namespace
}  // namespace goodput::detail
