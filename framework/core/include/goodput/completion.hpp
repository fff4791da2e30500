// SPDX-License-Identifier: MIT
// What came back from one request: the answer, the reasoning kept apart, the client's clock
// readings, the server's own figures, the stop reason and any transport error. Providers fill
// it in; checkers and reporters only read it. Metrics derived from it are defined once, in
// metrics.cpp (see DESIGN.md "Metrics").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goodput {

// Normalised stop reason; the server's own word is kept beside it in Completion.
enum class StopReason {
  none,        // no finish reason arrived (stream cut, or an error before the end)
  stop,        // natural end or a stop sequence
  length,      // cut by the token limit: the answer is incomplete
  tool_calls,
  error,       // the server ended generation with an error
  cancelled,   // the server or a filter cancelled generation (e.g. content_filter)
  other,       // a word goodput does not know; see Completion::server_stop_reason
};
std::string_view to_string(StopReason reason);
// Maps a server's word (OpenAI finish_reason, llama.cpp stop_type, Ollama done_reason,
// LM Studio stop_reason) to the normalised reason.
StopReason normalise_stop_reason(std::string_view server_word);

// Why a request did not complete. Any kind but `none` makes the run an *error*, never a
// model failure.
enum class ErrorKind {
  none,
  connect,       // refused, unreachable, DNS
  timeout,       // request timeout reached
  stall,         // no bytes for the stall timeout
  http_status,   // non-2xx status before the stream started
  stream_error,  // the server sent an error payload mid-stream
  truncated,     // the stream ended without its end marker or finish reason
  bad_response,  // bytes that are not the expected format
};
std::string_view to_string(ErrorKind kind);

struct TransportError {
  ErrorKind kind = ErrorKind::none;
  std::string message;  // what went wrong and, where known, what to do
  long http_status = 0;
};

// Client clock readings, in seconds on a monotonic clock started just before the request
// was sent. A "token chunk" is a stream event carrying reasoning or answer text.
struct StreamTimes {
  std::optional<double> first_token;         // first token chunk of any kind
  std::optional<double> first_answer_token;  // first chunk carrying answer text
  std::optional<double> last_token;          // last token chunk
  double end = 0;                            // the stream finished (end marker or close)
  std::int64_t token_chunks = 0;
  std::int64_t answer_chunks = 0;
  std::int64_t reasoning_chunks = 0;
  // How the text arrived, for the delivery shape: bytes of text (answer and reasoning) in the
  // token chunks, and the client reads that brought them. Chunks read within 1 ms of the
  // previous text are one arrival: events a proxy buffered, or that one read brought
  // together, reached the user at once. 0 in results written before these were recorded.
  std::int64_t text_bytes = 0;
  std::int64_t text_arrivals = 0;
};

struct TokenCounts {
  std::optional<std::int64_t> prompt;
  std::optional<std::int64_t> completion;  // includes reasoning tokens
  std::optional<std::int64_t> reasoning;
  // true: counted by the client, no usage: one token per token chunk, or for text that came in
  // blocks or one piece (Delivery) one per 4 bytes of text, rounded up.
  bool completion_estimated = false;
  bool reasoning_estimated = false;
};

// How the text reached the client (README "Metrics", "Delivery shape"): token by token, in
// blocks of many tokens (diffusion models, servers or proxies that batch), or in one piece (a
// server that ignored `stream`, a proxy that buffered the whole reply). Per-token figures
// (TTFT, decode rate) only mean what they say for a token stream; for the others TTFT is the
// time to first text and the rate is the effective rate, completion tokens / e2e.
enum class Delivery { unknown, token_stream, block_stream, single_body };
std::string_view to_string(Delivery delivery);  // "token_stream", "block_stream", "single_body", "unknown"
std::string_view describe(Delivery delivery);   // "token stream", "block stream", "single body", "unknown"
// Unknown when no text arrived. One arrival with more than 16 bytes of text (more than a token
// is long) is a single body. Arrivals carrying on average more than 16 bytes and, by the
// server's count, more than 4 tokens are a block stream: speculative decoding and a client
// that reads late put a few tokens in one arrival, and hidden tokens (gpt-oss's channel
// markers) count without bringing text, so tokens alone do not decide. Anything else is a
// token stream. Without a server count the bytes decide alone; results written before the
// bytes were recorded (text_bytes 0) are classified by the count alone, one chunk per arrival.
Delivery classify_delivery(const StreamTimes& times, const TokenCounts& tokens);

// Derived from StreamTimes and TokenCounts by compute_metrics(); see DESIGN.md.
struct Metrics {
  std::optional<double> ttft_s;                  // first token chunk of any kind
  std::optional<double> time_to_first_answer_s;  // first answer chunk, after reasoning
  std::optional<double> e2e_s;                   // request sent -> last token chunk
  std::optional<double> decode_tps;              // (completion - 1) / (last - first); token streams only
  Delivery delivery = Delivery::unknown;
  std::optional<double> effective_tps;           // completion / e2e; block streams and single bodies only
};

// Server-reported figures in one unit (seconds, tokens per second), converted from each
// server's own (llama.cpp `timings` in ms, Ollama durations in ns, LM Studio `stats` in s).
// Stored beside the client's figures, never replacing them.
struct ServerFigures {
  std::optional<double> load_s;        // model load before this request (Ollama load_duration)
  std::optional<double> prompt_s;      // prompt processing (llama.cpp prompt_ms, Ollama prompt_eval_duration)
  std::optional<double> ttft_s;        // first token as the server saw it (LM Studio time_to_first_token)
  std::optional<double> decode_s;      // generation (llama.cpp predicted_ms, Ollama eval_duration, LM Studio generation_time)
  std::optional<double> decode_tps;    // the server's own decode rate
  std::optional<double> total_s;       // whole request on the server (Ollama total_duration)
  std::optional<std::int64_t> prompt_tokens;
  std::optional<std::int64_t> completion_tokens;
  std::optional<std::int64_t> cached_tokens;
  bool empty() const {
    return !load_s && !prompt_s && !ttft_s && !decode_s && !decode_tps && !total_s && !prompt_tokens &&
           !completion_tokens && !cached_tokens;
  }
};

// One failed attempt that was retried (retries on connection errors, 429 and 503; see
// ModelSpec::retry_attempts): the error, and the back-off waited before the next attempt.
struct RetryNote {
  double after_s = 0;  // seconds waited after this failure before trying again
  std::string error;   // what went wrong ("connect: cannot connect to ...")
};

// A server-reported figure left out of every statistic because it cannot be true (a negative
// count, a duration longer than the whole request, ...; see plausibility.hpp). The journal keeps
// it with the reason.
struct IgnoredFigure {
  std::string field;  // e.g. "usage.completion_tokens", "server.prompt_s"
  double value = 0;   // as the server sent it (converted to seconds for durations)
  std::string why;    // e.g. "negative"
};

// Whether the server reused its prompt cache for a run (README "Metrics"): warm when the
// cached prompt tokens it reports are more than 10% of the prompt's tokens, cold when it
// reports a count at or below that (llama.cpp reuses a few tokens of a shared BOS/template
// prefix even for a new prompt: 7 of 1,413), unknown when it reports no cached count or the
// prompt's length is not known.
enum class PromptCacheClass { unknown, cold, warm };
std::string_view to_string(PromptCacheClass c);
PromptCacheClass classify_prompt_cache(std::optional<std::int64_t> cached_tokens, std::optional<std::int64_t> prompt_tokens);

struct Completion {
  std::string answer;     // answer text only: this is what checkers judge
  std::string reasoning;  // reasoning text, kept apart
  StopReason stop_reason = StopReason::none;
  std::string server_stop_reason;  // the server's own word, unchanged
  StreamTimes times;
  TokenCounts tokens;
  Metrics metrics;  // filled by finalise_metrics()
  // Server-reported figures, never mixed with the client's. For llama.cpp this is its
  // `timings` object as sent: *_ms in milliseconds, *_per_second in tokens/s, *_n counts.
  std::map<std::string, double> server_timings;
  std::string server_timings_source;  // e.g. "llama.cpp timings"; empty when none
  ServerFigures server;               // the same figures, converted to seconds and tokens/s
  std::string server_version;         // build or version, when the stream says it (LM Studio runtime)
  std::map<std::string, std::string> server_model_info;  // quantisation, arch, context length... when told
  std::string server_model;           // `model` as the server reported it
  std::string system_fingerprint;
  std::string response_id;
  TransportError error;
  // The server's Retry-After with an HTTP status error (429, 503), in seconds from its reply.
  std::optional<double> retry_after_s;
  // Earlier attempts of this request that failed and were retried; everything else in this
  // Completion (times included, each from its own attempt's start) is the last attempt's.
  std::vector<RetryNote> retries;
  // Server-reported figures dropped as implausible (removed from `tokens` and `server` above;
  // `server_timings` keeps the raw values).
  std::vector<IgnoredFigure> ignored_server_figures;

  bool ok() const { return error.kind == ErrorKind::none; }
};

// The one definition of the client-side metrics (DESIGN.md "Metrics").
Metrics compute_metrics(const StreamTimes& times, const TokenCounts& tokens);
inline void finalise_metrics(Completion& c) { c.metrics = compute_metrics(c.times, c.tokens); }

}  // namespace goodput
