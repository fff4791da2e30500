// SPDX-License-Identifier: MIT
#include "goodput/sim_server.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "goodput/pattern.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#include <httplib.h>
#pragma GCC diagnostic pop

namespace goodput::sim {

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;  // llama.cpp's field order is part of what we imitate
using Milliseconds = std::chrono::duration<double, std::milli>;

constexpr const char* k_json_type = "application/json; charset=utf-8";
constexpr const char* k_no_answer_text = "(goodput sim: no scripted answer for this prompt)";
constexpr std::size_t k_thread_pool_size = 64;
// httplib's keep-alive wait does not look at the stop flag, so an idle connection holds
// stop() for up to this long; one second keeps stop() prompt and reconnecting is cheap.
constexpr std::time_t k_keep_alive_timeout_s = 1;
constexpr std::size_t k_keep_alive_max_requests = 1000;
constexpr std::size_t k_no_index = static_cast<std::size_t>(-1);

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json error_object(int status, const std::string& type, const std::string& message) {
  return Json{{"code", status}, {"message", message}, {"type", type}};
}

void send_error(httplib::Response& res, int status, const std::string& type, const std::string& message) {
  res.status = status;
  res.set_content(dump(Json{{"error", error_object(status, type, message)}}), k_json_type);
}

// llama.cpp reports durations in ms with microsecond resolution.
double round_ms(Clock::duration d) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) / 1e3;
}

struct Token {
  std::string text;
  bool reasoning = false;
};

// Everything one request will receive, worked out before the first byte is sent, so that
// the streaming loop only waits and writes.
struct Script {
  std::string model;
  std::string fingerprint;
  std::string id;
  std::int64_t created = 0;
  Clock::time_point t0;
  double ttft_ms = 0;
  double interval_ms = 0;
  std::vector<Token> tokens;  // already cut to the request's token limit
  std::string finish;
  std::string fault;  // "", "error", "old-error" or "disconnect" (http-503 never gets here)
  std::size_t fault_at = k_no_index;  // the fault takes the place of this token
  std::size_t stall_at = k_no_index;  // this token and every later event come stall_ms late
  double stall_ms = 0;
  std::size_t prompt_tokens = 0;
  std::size_t cached_tokens = 0;  // served from the prompt cache (SimProfile::prompt_cache)
  bool include_usage = false;
  // Where each text event ends (SimProfile::delivery): event k carries the tokens from
  // event_ends[k-1] (0 for the first) up to event_ends[k], and goes out when its last is due.
  std::vector<std::size_t> event_ends;

  // The text of tokens [begin, end): the reasoning and the answer apart.
  std::pair<std::string, std::string> text_of(std::size_t begin, std::size_t end) const {
    std::pair<std::string, std::string> text;
    for (std::size_t i = begin; i < end; ++i) (tokens[i].reasoning ? text.first : text.second) += tokens[i].text;
    return text;
  }

  // Anchored to t0 and never accumulated, so lateness in one write does not shift the rest.
  Clock::time_point token_time(std::size_t i) const {
    double ms = ttft_ms + static_cast<double>(i) * interval_ms;
    if (stall_at != k_no_index && i >= stall_at) ms += stall_ms;
    return t0 + std::chrono::duration_cast<Clock::duration>(Milliseconds(ms));
  }
  // The finish chunk goes out with the last token, as llama.cpp's final result does.
  Clock::time_point final_time() const {
    if (tokens.empty()) return token_time(0);
    Clock::time_point t = token_time(tokens.size() - 1);
    if (stall_at != k_no_index && stall_at >= tokens.size())
      t += std::chrono::duration_cast<Clock::duration>(Milliseconds(stall_ms));
    return t;
  }
};

Json chunk(const Script& s, Json choices) {
  Json j;
  j["choices"] = std::move(choices);
  j["created"] = s.created;
  j["id"] = s.id;
  j["model"] = s.model;
  j["system_fingerprint"] = s.fingerprint;
  j["object"] = "chat.completion.chunk";
  return j;
}

Json delta_choice(Json delta, const std::string& finish = "") {
  Json choice;
  if (finish.empty()) choice["finish_reason"] = nullptr;
  else choice["finish_reason"] = finish;
  choice["index"] = 0;
  choice["delta"] = std::move(delta);
  return Json::array({std::move(choice)});
}

std::string event(const Json& j) { return "data: " + dump(j) + "\n\n"; }

Json usage(const Script& s) {
  Json u;
  u["completion_tokens"] = s.tokens.size();
  u["prompt_tokens"] = s.prompt_tokens;
  u["total_tokens"] = s.tokens.size() + s.prompt_tokens;
  u["prompt_tokens_details"] = Json{{"cached_tokens", s.cached_tokens}};
  return u;
}

// first/last: when the first and the last token were actually written.
Json timings(const Script& s, Clock::time_point first, Clock::time_point last) {
  const double prompt_ms = round_ms(first - s.t0);
  const double predicted_ms = round_ms(last - first);
  const auto prompt_n = static_cast<double>(s.prompt_tokens);
  const auto predicted_n = static_cast<double>(s.tokens.size());
  Json t;
  t["cache_n"] = s.cached_tokens;
  t["prompt_n"] = s.prompt_tokens - s.cached_tokens;
  t["prompt_ms"] = prompt_ms;
  t["prompt_per_token_ms"] = prompt_n > 0 ? prompt_ms / prompt_n : 0.0;
  t["prompt_per_second"] = prompt_ms > 0 ? 1e3 / prompt_ms * prompt_n : 0.0;
  t["predicted_n"] = s.tokens.size();
  t["predicted_ms"] = predicted_ms;
  t["predicted_per_token_ms"] = predicted_n > 0 ? predicted_ms / predicted_n : 0.0;
  // As llama.cpp: n_decoded counts the first token too, so short outputs look a bit fast.
  t["predicted_per_second"] = predicted_ms > 0 ? 1e3 / predicted_ms * predicted_n : 0.0;
  return t;
}

std::string scripted_error_message(const Script& s) {
  return "goodput sim: scripted error after " + std::to_string(s.fault_at) + " tokens";
}

// A request the simulator refuses, with llama.cpp's status and error type.
struct RequestError {
  int status;
  std::string type;
  std::string message;
};

// Message content is a string, null, or an array of parts of which the text ones count.
std::string message_text(const nlohmann::json& content) {
  if (content.is_null()) return "";
  if (content.is_string()) return content.get<std::string>();
  if (content.is_array()) {
    std::string text;
    for (const auto& part : content) {
      if (part.is_object() && part.value("type", "") == "text" && part.contains("text") && part["text"].is_string())
        text += part["text"].get<std::string>();
    }
    return text;
  }
  throw RequestError{400, "invalid_request_error", "message 'content' must be a string or an array of parts"};
}

// Which server a route imitates. The schedule is the same; only the bytes differ.
enum class Wire {
  llama_cpp,  // /v1/chat/completions: llama.cpp's SSE with `timings`
  lmstudio,   // /api/v0/chat/completions: the same SSE, no `timings`, `stats` etc. on the last chunk
};

// How a schedule ended (see SimServer::Impl::play).
enum class Played { finished, fault, aborted };

constexpr const char* k_ndjson_type = "application/x-ndjson";

// Ollama's errors are a bare string: {"error": "..."}.
void send_ollama_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(dump(Json{{"error", message}}), k_json_type);
}

// Go's time.Time in RFC 3339 with nanoseconds, as Ollama's created_at.
std::string rfc3339_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() % 1'000'000'000;
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%09lldZ", static_cast<long long>(nanos));
  return std::string(date) + frac;
}

std::int64_t nanoseconds(Clock::duration d) {
  return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

// LM Studio reports stats in seconds.
double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The figures the simulator reports for the sim's models (LM Studio model_info, Ollama details).
constexpr const char* k_sim_arch = "goodputsim";
constexpr const char* k_sim_quant = "Q4_K_M";
constexpr int k_sim_context_length = 4096;

Json lmstudio_extras(const Script& s, Clock::time_point first, Clock::time_point last, Json chunk_json) {
  const double ttft = seconds(first - s.t0);
  const double generation = seconds(last - first);
  Json stats;
  stats["tokens_per_second"] = generation > 0 ? static_cast<double>(s.tokens.size()) / generation : 0.0;
  stats["time_to_first_token"] = ttft;
  stats["generation_time"] = generation;
  stats["stop_reason"] = s.finish == "length" ? "maxPredictedTokensReached" : "eosFound";
  chunk_json["stats"] = std::move(stats);
  chunk_json["model_info"] =
      Json{{"arch", k_sim_arch}, {"quant", k_sim_quant}, {"format", "gguf"}, {"context_length", k_sim_context_length}};
  chunk_json["runtime"] = Json{{"name", "goodput-sim"}, {"version", "0.0.0"}, {"supported_formats", Json::array({"gguf"})}};
  return chunk_json;
}

// The draws of a profile's answers' `chance`: one sequence per profile, shared by every
// connection, advancing per draw.
struct ChanceDraws {
  std::mutex mutex;
  std::mt19937_64 engine;
  // Uniform in [0, 1), the same on every platform (std::uniform_real_distribution is not).
  double next() {
    std::lock_guard lock(mutex);
    return static_cast<double>(engine() >> 11) * 0x1.0p-53;
  }
};

// The prompts a profile with prompt_cache has served, shared by every connection.
struct SimPromptCache {
  std::mutex mutex;
  std::set<std::string> seen;
  // Whether `prompt` was served before; remembers it from now on.
  bool seen_before(const std::string& prompt) {
    std::lock_guard lock(mutex);
    return !seen.insert(prompt).second;
  }
};

// A profile's pattern that cannot finish on a prompt is the profile's fault, told to the client.
bool found_in(const Pattern& pattern, const std::string& prompt) {
  try {
    return pattern.find(prompt).has_value();
  } catch (const PatternLimitError& e) {
    throw RequestError{500, "server_error", "goodput sim: the answer pattern '" + pattern.text() + "' " + e.what() +
                                                " on this prompt; simplify the profile's match"};
  }
}

struct CompiledProfile {
  SimProfile profile;
  std::vector<std::shared_ptr<const Pattern>> matches;  // parallel to profile.answers; null = any
  std::unique_ptr<ChanceDraws> draws;
  std::unique_ptr<SimPromptCache> cache;
};

}  // namespace

class SimServer::Impl {
 public:
  Impl(SimConfig config, std::string api_key) : m_api_key(std::move(api_key)) {
    for (SimProfile& profile : config.profiles) {
      CompiledProfile compiled{std::move(profile), {}, std::make_unique<ChanceDraws>(), std::make_unique<SimPromptCache>()};
      compiled.draws->engine.seed(compiled.profile.seed);
      for (const SimAnswer& answer : compiled.profile.answers) {
        if (answer.match.empty()) {
          compiled.matches.emplace_back();
          continue;
        }
        try {
          compiled.matches.push_back(Pattern::get(answer.match));
        } catch (const PatternError& e) {
          throw std::invalid_argument("goodput sim: model '" + compiled.profile.id + "': bad match regex '" +
                                      answer.match + "': " + e.what());
        }
      }
      m_profiles.push_back(std::move(compiled));
    }
    m_server.new_task_queue = [] { return new httplib::ThreadPool(k_thread_pool_size); };
    m_server.set_keep_alive_max_count(k_keep_alive_max_requests);
    m_server.set_keep_alive_timeout(k_keep_alive_timeout_s);
    // Without it, Nagle's algorithm holds small token chunks back and the schedule slips.
    m_server.set_tcp_nodelay(true);
    m_server.set_default_headers({{"Server", "goodput-sim"}});
    register_routes();
  }

  ~Impl() { stop(); }

  int start(const std::string& host, int port) {
    {
      std::lock_guard lock(m_mutex);
      if (m_thread.joinable() || m_stopping)
        throw std::runtime_error("simulated server: a server can be started only once");
    }
    int bound = -1;
    if (port == 0) bound = m_server.bind_to_any_port(host);
    else if (m_server.bind_to_port(host, port)) bound = port;
    if (bound <= 0)
      throw std::runtime_error("simulated server: cannot listen on " + host + ":" + std::to_string(port));
    m_host = host;
    m_port = bound;
    m_thread = std::thread([this] {
      m_server.listen_after_bind();
      std::lock_guard lock(m_mutex);
      m_listen_returned = true;
    });
    // httplib's stop() is a no-op until the accept loop runs; wait for it so that a stop()
    // right after start() cannot leave the loop running forever.
    while (!m_server.is_running()) {
      {
        std::lock_guard lock(m_mutex);
        if (m_listen_returned) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    bool failed = false;
    {
      std::lock_guard lock(m_mutex);
      failed = m_listen_returned;
    }
    if (failed) {
      m_thread.join();
      throw std::runtime_error("simulated server on " + host + ":" + std::to_string(bound) + " failed to start");
    }
    wait_until_answering();
    return bound;
  }

  void stop() {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) {
      m_server.stop();
      m_thread.join();
    }
  }

  std::string base_url() const { return "http://" + url_host() + ":" + std::to_string(m_port) + "/v1"; }

  int port() const { return m_port; }

 private:
  std::string url_host() const {
    if (m_host.empty() || m_host == "0.0.0.0") return "127.0.0.1";
    if (m_host == "::") return "[::1]";
    if (m_host.find(':') != std::string::npos && m_host.front() != '[') return "[" + m_host + "]";
    return m_host;
  }

  // httplib reports running before it has built its thread pool and entered the accept
  // loop; a request sent in between waits, and the first run's TTFT would include that
  // wait. One answered /health proves the loop is up. A probe that never succeeds (a host
  // this machine cannot reach itself on) is not an error: the server may still be usable.
  void wait_until_answering() {
    std::string host = url_host();
    if (host.front() == '[') host = host.substr(1, host.size() - 2);
    httplib::Client client(host, m_port);
    client.set_connection_timeout(0, 200'000);
    client.set_read_timeout(1, 0);
    const Clock::time_point give_up = Clock::now() + std::chrono::seconds(2);
    while (Clock::now() < give_up) {
      if (const auto res = client.Get("/health"); res && res->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  void register_routes() {
    const auto chat = [this](const httplib::Request& req, httplib::Response& res) { handle_chat(req, res, Wire::llama_cpp); };
    m_server.Post("/v1/chat/completions", chat);
    m_server.Post("/chat/completions", chat);
    const auto models = [this](const httplib::Request&, httplib::Response& res) { handle_models(res); };
    m_server.Get("/v1/models", models);
    m_server.Get("/models", models);
    const auto health = [](const httplib::Request&, httplib::Response& res) {
      res.set_content(dump(Json{{"status", "ok"}}), k_json_type);
    };
    m_server.Get("/health", health);
    m_server.Get("/v1/health", health);

    // Ollama's native API (wire-formats.md §C) and LM Studio's REST v0 (§D), same profiles.
    m_server.Post("/api/chat", [this](const httplib::Request& req, httplib::Response& res) { handle_ollama_chat(req, res); });
    m_server.Get("/api/tags", [this](const httplib::Request&, httplib::Response& res) { handle_ollama_tags(res); });
    m_server.Get("/api/version", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(dump(Json{{"version", "0.0.0-goodputsim"}}), k_json_type);
    });
    m_server.Post("/api/v0/chat/completions",
                  [this](const httplib::Request& req, httplib::Response& res) { handle_chat(req, res, Wire::lmstudio); });
    m_server.Get("/api/v0/models", [this](const httplib::Request&, httplib::Response& res) { handle_lmstudio_models(res); });

    // httplib calls this for every status >= 400; only fill in bodies nobody wrote.
    m_server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      if (res.status == 404) send_error(res, 404, "not_found_error", "File Not Found");
      else send_error(res, res.status, "invalid_request_error", "request failed");
      return httplib::Server::HandlerResponse::Handled;
    }));
    m_server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string message = "unknown error";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        message = e.what();
      } catch (...) {
      }
      send_error(res, 500, "server_error", message);
    });
  }

  void handle_models(httplib::Response& res) const {
    Json models = Json::array();
    Json data = Json::array();
    for (const CompiledProfile& p : m_profiles) {
      models.push_back(Json{{"name", p.profile.id},
                            {"model", p.profile.id},
                            {"type", "model"},
                            {"description", "SIMULATED by goodput sim"},
                            {"capabilities", Json::array({"completion"})}});
      data.push_back(Json{{"id", p.profile.id},
                          {"aliases", Json::array({p.profile.id})},
                          {"tags", Json::array()},
                          {"object", "model"},
                          {"created", m_created},
                          {"owned_by", "goodput-sim"},
                          {"meta",
                           Json{{"simulated", true},
                                {"ttft_ms", p.profile.ttft_ms},
                                {"tokens_per_second", p.profile.tokens_per_second}}}});
    }
    Json body;
    body["models"] = std::move(models);
    body["object"] = "list";
    body["data"] = std::move(data);
    res.set_content(dump(body), k_json_type);
  }

  void handle_ollama_tags(httplib::Response& res) const {
    Json models = Json::array();
    for (const CompiledProfile& p : m_profiles) {
      Json details;
      details["parent_model"] = "";
      details["format"] = "gguf";
      details["family"] = k_sim_arch;
      details["families"] = Json::array({k_sim_arch});
      details["parameter_size"] = "0B";
      details["quantization_level"] = k_sim_quant;
      Json m;
      m["name"] = p.profile.id;
      m["model"] = p.profile.id;
      m["modified_at"] = m_started_at;
      m["size"] = 0;
      m["digest"] = std::string(64, '0');
      m["details"] = std::move(details);
      models.push_back(std::move(m));
    }
    res.set_content(dump(Json{{"models", std::move(models)}}), k_json_type);
  }

  void handle_lmstudio_models(httplib::Response& res) const {
    Json data = Json::array();
    for (const CompiledProfile& p : m_profiles) {
      Json m;
      m["id"] = p.profile.id;
      m["object"] = "model";
      m["type"] = "llm";
      m["publisher"] = "goodput-sim";
      m["arch"] = k_sim_arch;
      m["compatibility_type"] = "gguf";
      m["quantization"] = k_sim_quant;
      m["state"] = "loaded";
      m["max_context_length"] = k_sim_context_length;
      data.push_back(std::move(m));
    }
    res.set_content(dump(Json{{"object", "list"}, {"data", std::move(data)}}), k_json_type);
  }

  // Ollama's /api/chat: stream defaults to true, the limit is options.num_predict, and
  // think:false drops the reasoning (the model is asked not to think).
  void handle_ollama_chat(const httplib::Request& req, httplib::Response& res) {
    const Clock::time_point t0 = Clock::now();
    if (!m_api_key.empty() && req.get_header_value("Authorization") != "Bearer " + m_api_key) {
      send_ollama_error(res, 401, "unauthorized");
      return;
    }
    std::shared_ptr<Script> script;
    bool stream = true;
    const SimAnswer* answer = nullptr;
    try {
      nlohmann::json body = parse_body(req.body);
      // Translated to the fields make_script reads; Ollama ignores OpenAI's names.
      nlohmann::json translated = nlohmann::json::object();
      for (const char* key : {"model", "messages"}) {
        if (body.contains(key)) translated[key] = body[key];
      }
      translated["stream"] = body.contains("stream") && !body["stream"].is_null() ? body["stream"] : nlohmann::json(true);
      if (body.contains("options") && !body["options"].is_null()) {
        if (!body["options"].is_object()) throw RequestError{400, "invalid_request_error", "'options' must be an object"};
        if (body["options"].contains("num_predict")) translated["max_tokens"] = body["options"]["num_predict"];
      }
      bool think = true;
      if (body.contains("think") && body["think"].is_boolean()) think = body["think"].get<bool>();
      script = make_script(translated, t0, stream, answer, think);
    } catch (const RequestError& e) {
      send_ollama_error(res, e.status, e.message);
      return;
    }
    if (answer && answer->fault.kind == "http-503") {
      send_ollama_error(res, 503, "server busy, please try again.  maximum pending requests exceeded");
      return;
    }
    if (stream) {
      res.set_chunked_content_provider(
          k_ndjson_type, [this, script](std::size_t, httplib::DataSink& sink) { return write_ollama_stream(*script, sink); });
    } else {
      complete_ollama(*script, res);
    }
  }

  Json ollama_line(const Script& s, const std::string& content, const std::string& thinking) const {
    Json message;
    message["role"] = "assistant";
    message["content"] = content;
    if (!thinking.empty()) message["thinking"] = thinking;
    Json line;
    line["model"] = s.model;
    line["created_at"] = rfc3339_now();
    line["message"] = std::move(message);
    line["done"] = false;
    return line;
  }

  // The final line: durations in ns and counts, each left out when zero (Go's omitempty).
  Json ollama_done_line(const Script& s, Clock::time_point first, Clock::time_point last, const std::string& content,
                        const std::string& thinking) const {
    Json line = ollama_line(s, content, thinking);
    line["done"] = true;
    line["done_reason"] = s.finish;
    const Clock::time_point end = Clock::now();
    const auto put = [&line](const char* key, std::int64_t value) {
      if (value != 0) line[key] = value;
    };
    put("total_duration", nanoseconds(end - s.t0));
    put("load_duration", 0);  // the sim's models are always loaded
    put("prompt_eval_count", static_cast<std::int64_t>(s.prompt_tokens));
    put("prompt_eval_duration", nanoseconds(first - s.t0));
    put("eval_count", static_cast<std::int64_t>(s.tokens.size()));
    put("eval_duration", nanoseconds(last - first));
    return line;
  }

  bool write_ollama_stream(const Script& s, httplib::DataSink& sink) {
    const auto send = [&sink](const Json& line) {
      const std::string bytes = dump(line) + "\n";
      return sink.is_writable() && sink.write(bytes.data(), bytes.size());
    };
    Clock::time_point first{};
    Clock::time_point last{};
    const Played played = play(s, [&](std::size_t begin, std::size_t end) {
      last = Clock::now();
      if (begin == 0) first = last;
      const auto [thinking, content] = s.text_of(begin, end);
      return send(ollama_line(s, content, thinking));
    });
    if (played == Played::aborted) return false;
    if (played == Played::fault) {
      if (s.fault == "disconnect") return false;
      // Ollama reports a failure mid-stream as one last line, with status 200 already sent.
      if (send(Json{{"error", scripted_error_message(s)}})) sink.done();
      return true;
    }
    if (s.tokens.empty()) first = last = Clock::now();
    if (!send(ollama_done_line(s, first, last, "", ""))) return false;
    sink.done();
    return true;
  }

  void complete_ollama(const Script& s, httplib::Response& res) {
    const auto stopping = [&res] { send_ollama_error(res, 503, "goodput sim: the server is stopping"); };
    if (!s.fault.empty()) {
      if (!wait_until(s.token_time(s.fault_at))) return stopping();
      if (s.fault == "disconnect") {
        res.set_content_provider(
            1, "application/json", [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
      } else {
        send_ollama_error(res, 500, scripted_error_message(s));
      }
      return;
    }
    Clock::time_point first{};
    if (!s.tokens.empty()) {
      if (!wait_until(s.token_time(0))) return stopping();
      first = Clock::now();
    }
    if (!wait_until(s.final_time())) return stopping();
    const Clock::time_point last = Clock::now();
    if (s.tokens.empty()) first = last;
    std::string content;
    std::string thinking;
    for (const Token& t : s.tokens) (t.reasoning ? thinking : content) += t.text;
    res.set_content(dump(ollama_done_line(s, first, last, content, thinking)), k_json_type);
  }

  void handle_chat(const httplib::Request& req, httplib::Response& res, Wire wire) {
    const Clock::time_point t0 = Clock::now();
    if (!m_api_key.empty() && req.get_header_value("Authorization") != "Bearer " + m_api_key) {
      send_error(res, 401, "authentication_error", "Invalid API Key");
      return;
    }
    std::shared_ptr<Script> script;
    bool stream = false;
    const SimAnswer* answer = nullptr;
    try {
      const nlohmann::json body = parse_body(req.body);
      script = make_script(body, t0, stream, answer);
    } catch (const RequestError& e) {
      send_error(res, e.status, e.type, e.message);
      return;
    }
    if (answer && answer->fault.kind == "http-503") {
      send_error(res, 503, "unavailable_error", "Loading model");
      return;
    }
    if (stream) {
      res.set_chunked_content_provider(
          "text/event-stream",
          [this, script, wire](std::size_t, httplib::DataSink& sink) { return write_stream(*script, sink, wire); });
    } else {
      complete(*script, res, wire);
    }
  }

  static nlohmann::json parse_body(const std::string& text) {
    nlohmann::json body;
    try {
      body = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw RequestError{400, "invalid_request_error", std::string("the request body is not valid JSON: ") + e.what()};
    }
    if (!body.is_object()) throw RequestError{400, "invalid_request_error", "the request body must be a JSON object"};
    return body;
  }

  const CompiledProfile& find_profile(const nlohmann::json& body) const {
    std::string ids;
    for (const CompiledProfile& p : m_profiles) ids += (ids.empty() ? "" : ", ") + p.profile.id;
    if (!body.contains("model") || body["model"].is_null()) {
      // A single-model server answers whatever is asked, as llama.cpp does.
      if (m_profiles.size() == 1) return m_profiles.front();
      throw RequestError{400, "invalid_request_error", "'model' is required; available models: " + ids};
    }
    if (!body["model"].is_string()) throw RequestError{400, "invalid_request_error", "'model' must be a string"};
    const std::string model = body["model"].get<std::string>();
    for (const CompiledProfile& p : m_profiles) {
      if (p.profile.id == model) return p;
    }
    throw RequestError{404, "not_found_error", "model '" + model + "' not found; available models: " + ids};
  }

  // n_predict > max_completion_tokens > max_tokens, as llama.cpp; negative = no limit.
  static std::optional<std::size_t> token_limit(const nlohmann::json& body) {
    for (const char* key : {"n_predict", "max_completion_tokens", "max_tokens"}) {
      if (!body.contains(key) || body[key].is_null()) continue;
      if (!body[key].is_number()) throw RequestError{400, "invalid_request_error", std::string("'") + key + "' must be a number"};
      const double value = body[key].get<double>();
      // Beyond any answer's length a limit changes nothing; it also keeps the cast defined.
      if (value < 0 || value > 1e12) return std::nullopt;
      return static_cast<std::size_t>(value);
    }
    return std::nullopt;
  }

  std::shared_ptr<Script> make_script(const nlohmann::json& body, Clock::time_point t0, bool& stream,
                                      const SimAnswer*& chosen, bool include_reasoning = true) {
    const CompiledProfile& profile = find_profile(body);

    if (!body.contains("messages")) throw RequestError{400, "invalid_request_error", "'messages' is required"};
    const nlohmann::json& messages = body["messages"];
    if (!messages.is_array() || messages.empty())
      throw RequestError{400, "invalid_request_error", "'messages' must be a non-empty array"};
    std::size_t prompt_tokens = 0;
    std::string last_user;
    for (const auto& message : messages) {
      if (!message.is_object()) throw RequestError{400, "invalid_request_error", "each message must be an object"};
      const std::string text = message_text(message.contains("content") ? message["content"] : nlohmann::json());
      prompt_tokens += sim_tokenize(text).size();
      if (message.contains("role") && message["role"] == "user") last_user = text;
    }

    if (body.contains("stream") && !body["stream"].is_null()) {
      if (!body["stream"].is_boolean()) throw RequestError{400, "invalid_request_error", "'stream' must be a boolean"};
      stream = body["stream"].get<bool>();
    }
    if (profile.profile.delivery == SimDelivery::body) stream = false;  // a server that ignores `stream`
    bool include_usage = false;
    if (body.contains("stream_options") && body["stream_options"].is_object()) {
      const auto& options = body["stream_options"];
      include_usage = options.contains("include_usage") && options["include_usage"].is_boolean() &&
                      options["include_usage"].get<bool>();
    }
    const std::optional<std::size_t> limit = token_limit(body);

    chosen = nullptr;
    for (std::size_t i = 0; i < profile.profile.answers.size() && !chosen; ++i) {
      const auto& match = profile.matches[i];
      if (match && !found_in(*match, last_user)) continue;
      const SimAnswer& answer = profile.profile.answers[i];
      if (answer.chance >= 1 || profile.draws->next() < answer.chance) chosen = &answer;
    }

    auto s = std::make_shared<Script>();
    s->model = profile.profile.id;
    s->fingerprint = profile.profile.system_fingerprint;
    s->id = new_completion_id();
    s->created = static_cast<std::int64_t>(std::time(nullptr));
    s->t0 = t0;
    s->ttft_ms = profile.profile.ttft_ms;
    s->interval_ms = 1000.0 / profile.profile.tokens_per_second;
    s->prompt_tokens = prompt_tokens;
    if (profile.profile.prompt_cache && profile.cache->seen_before(messages.dump())) {
      // llama.cpp with cache_prompt: false (its default is true) processes the prompt anew.
      const bool cache_off = body.contains("cache_prompt") && body["cache_prompt"].is_boolean() && !body["cache_prompt"].get<bool>();
      if (!cache_off && prompt_tokens > 0) {
        s->cached_tokens = prompt_tokens - 1;  // the last prompt token is always evaluated
        s->ttft_ms = profile.profile.warm_ttft_ms;
      }
    }
    s->include_usage = include_usage;
    s->finish = chosen ? chosen->finish : "stop";
    if (chosen && include_reasoning) {
      for (auto& t : sim_tokenize(chosen->reasoning)) s->tokens.push_back({std::move(t), true});
    }
    for (auto& t : sim_tokenize(chosen ? std::string_view(chosen->text) : std::string_view(k_no_answer_text)))
      s->tokens.push_back({std::move(t), false});

    const std::size_t full = s->tokens.size();
    if (limit && *limit < full) {
      s->tokens.resize(*limit);
      s->finish = "length";
    }
    if (chosen) {
      const SimFault& fault = chosen->fault;
      const auto after = static_cast<std::size_t>(std::max(0, fault.after_tokens));
      if (fault.kind == "error" || fault.kind == "old-error" || fault.kind == "disconnect") {
        const std::size_t at = std::min(after, full);
        // A cut by the token limit comes first when it falls at or before the fault.
        if (at < s->tokens.size() || (at == s->tokens.size() && s->tokens.size() == full)) {
          s->fault = fault.kind;
          s->fault_at = at;
        }
      } else if (fault.kind == "stall") {
        s->stall_at = after;
        s->stall_ms = fault.stall_ms;
      }
    }
    s->event_ends = text_event_ends(profile.profile, s->tokens.size(), s->fault.empty() ? k_no_index : s->fault_at);
    return s;
  }

  // Script::event_ends for n tokens: one token per event, N blocks, or one event.
  static std::vector<std::size_t> text_event_ends(const SimProfile& profile, std::size_t n, std::size_t fault_at) {
    std::size_t per_event = 1;
    if (profile.delivery == SimDelivery::blocks)
      per_event = std::max<std::size_t>(1, (n + static_cast<std::size_t>(profile.blocks) - 1) / static_cast<std::size_t>(profile.blocks));
    else if (profile.delivery != SimDelivery::tokens)
      per_event = std::max<std::size_t>(1, n);
    std::vector<std::size_t> ends;
    for (std::size_t end = 0; end < n;) {
      std::size_t next = std::min(n, end + per_event);
      if (fault_at > end && fault_at < next) next = fault_at;  // the fault strikes between events
      ends.push_back(next);
      end = next;
    }
    return ends;
  }

  // Waits on the steady clock, anchored to the request; false when the server is stopping.
  bool wait_until(Clock::time_point t) {
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_until(lock, t, [this] { return m_stopping; });
  }

  // The one token schedule every route keeps: for each text event (Script::event_ends), waits
  // for the time of its last token (anchored to t0) and hands its tokens [begin, end) to
  // on_text, then waits for the final time. Stops at the scripted fault (Played::fault, at the
  // fault's time; events are split there), or when the server is stopping or on_text returns
  // false (Played::aborted).
  Played play(const Script& s, const std::function<bool(std::size_t, std::size_t)>& on_text) {
    const auto fault_at = [&s](std::size_t i) { return !s.fault.empty() && s.fault_at == i; };
    std::size_t begin = 0;
    for (const std::size_t end : s.event_ends) {
      if (fault_at(begin)) break;
      if (!wait_until(s.token_time(end - 1))) return Played::aborted;
      if (!on_text(begin, end)) return Played::aborted;
      begin = end;
    }
    if (fault_at(begin)) return wait_until(s.token_time(begin)) ? Played::fault : Played::aborted;
    if (!wait_until(s.final_time())) return Played::aborted;
    return Played::finished;
  }

  // Returning false makes httplib drop the connection without the final HTTP chunk.
  bool write_stream(const Script& s, httplib::DataSink& sink, Wire wire) {
    const auto send = [&sink](const std::string& bytes) {
      return sink.is_writable() && sink.write(bytes.data(), bytes.size());
    };
    Clock::time_point first{};
    Clock::time_point last{};
    const Played played = play(s, [&](std::size_t begin, std::size_t end) {
      last = Clock::now();
      if (begin == 0) {
        first = last;
        if (!send(event(chunk(s, delta_choice(Json{{"role", "assistant"}, {"content", nullptr}}))))) return false;
      }
      const auto [reasoning, content] = s.text_of(begin, end);
      Json delta = Json::object();
      if (!reasoning.empty()) delta["reasoning_content"] = reasoning;
      if (!content.empty()) delta["content"] = content;
      return send(event(chunk(s, delta_choice(std::move(delta)))));
    });
    if (played == Played::aborted) return false;
    if (played == Played::fault) return strike(s, sink);
    if (s.tokens.empty()) first = last = Clock::now();

    const bool llama = wire == Wire::llama_cpp;
    Json finish = chunk(s, delta_choice(Json::object(), s.finish));
    if (!s.include_usage) finish = llama ? with_timings(std::move(finish), s, first, last) : lmstudio_extras(s, first, last, std::move(finish));
    if (!send(event(finish))) return false;
    if (s.include_usage) {
      Json usage_chunk = chunk(s, Json::array());
      usage_chunk["usage"] = usage(s);
      usage_chunk = llama ? with_timings(std::move(usage_chunk), s, first, last)
                          : lmstudio_extras(s, first, last, std::move(usage_chunk));
      if (!send(event(usage_chunk))) return false;
    }
    if (!send("data: [DONE]\n\n")) return false;
    sink.done();
    return true;
  }

  bool strike(const Script& s, httplib::DataSink& sink) {
    const Json error = error_object(500, "server_error", scripted_error_message(s));
    std::string bytes;
    if (s.fault == "error") {
      // New llama.cpp: the error as a data event, then the stream ends without [DONE].
      bytes = event(Json{{"error", error}});
    } else if (s.fault == "old-error") {
      // Old llama.cpp: a non-standard `error:` field, then an ordinary [DONE].
      bytes = "error: " + dump(error) + "\n\ndata: [DONE]\n\n";
    } else {
      return false;  // disconnect
    }
    if (sink.is_writable() && sink.write(bytes.data(), bytes.size())) sink.done();
    return true;
  }

  static Json with_timings(Json j, const Script& s, Clock::time_point first, Clock::time_point last) {
    j["timings"] = timings(s, first, last);
    return j;
  }

  void complete(const Script& s, httplib::Response& res, Wire wire) {
    const auto stopping = [&res] { send_error(res, 503, "unavailable_error", "goodput sim: the server is stopping"); };
    if (!s.fault.empty()) {
      if (!wait_until(s.token_time(s.fault_at))) return stopping();
      if (s.fault == "disconnect") {
        // Headers promise a body that never comes: the client sees the connection drop.
        res.set_content_provider(
            1, "application/json", [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
      } else {
        send_error(res, 500, "server_error", scripted_error_message(s));
      }
      return;
    }
    Clock::time_point first{};
    if (!s.tokens.empty()) {
      if (!wait_until(s.token_time(0))) return stopping();
      first = Clock::now();
    }
    if (!wait_until(s.final_time())) return stopping();
    const Clock::time_point last = Clock::now();
    if (s.tokens.empty()) first = last;

    std::string content;
    std::string reasoning;
    for (const Token& t : s.tokens) (t.reasoning ? reasoning : content) += t.text;
    Json message;
    message["role"] = "assistant";
    message["content"] = content;
    if (!reasoning.empty()) message["reasoning_content"] = reasoning;
    Json choice;
    choice["finish_reason"] = s.finish;
    choice["index"] = 0;
    choice["message"] = std::move(message);

    Json body;
    body["choices"] = Json::array({std::move(choice)});
    body["created"] = s.created;
    body["model"] = s.model;
    body["system_fingerprint"] = s.fingerprint;
    body["object"] = "chat.completion";
    body["usage"] = usage(s);
    body["id"] = s.id;
    if (wire == Wire::llama_cpp) body["timings"] = timings(s, first, last);
    else body = lmstudio_extras(s, first, last, std::move(body));
    res.set_content(dump(body), k_json_type);
  }

  std::string new_completion_id() {
    static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::lock_guard lock(m_id_mutex);
    std::uniform_int_distribution<std::size_t> pick(0, sizeof(k_alphabet) - 2);
    std::string id = "chatcmpl-";
    for (int i = 0; i < 32; ++i) id += k_alphabet[pick(m_random)];
    return id;
  }

  std::vector<CompiledProfile> m_profiles;
  std::string m_api_key;
  httplib::Server m_server;
  std::thread m_thread;
  std::string m_host;
  int m_port = 0;
  std::int64_t m_created = static_cast<std::int64_t>(std::time(nullptr));
  std::string m_started_at = rfc3339_now();

  std::mutex m_mutex;  // guards m_stopping and m_listen_returned
  std::condition_variable m_wake;
  bool m_stopping = false;
  bool m_listen_returned = false;

  std::mutex m_id_mutex;
  std::mt19937_64 m_random{std::random_device{}()};
};

SimServer::SimServer(SimConfig config, std::string api_key)
    : m_impl(std::make_unique<Impl>(std::move(config), std::move(api_key))) {}

SimServer::~SimServer() = default;

int SimServer::start(const std::string& host, int port) { return m_impl->start(host, port); }
void SimServer::stop() { m_impl->stop(); }
std::string SimServer::base_url() const { return m_impl->base_url(); }
int SimServer::port() const { return m_impl->port(); }

}  // namespace goodput::sim
