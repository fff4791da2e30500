// SPDX-License-Identifier: MIT
// StreamDecoder: turns the body of one streamed reply into a Completion, whatever the
// server's framing (SSE, NDJSON...). Each dialect's decoder reads its own format and hands
// the text it finds to add_text(); what every stream shares is written once, here: reasoning
// the server left in the answer text (think tags, harmony markers: ReasoningSplitter), the
// client's clock per token chunk, the end-of-stream check, token estimates where the server
// sent no usage, and the metrics. Never throws on server input; what the server got wrong
// ends up in Completion::error. Internal to goodput (no stable API).
//
//   Completion c;
//   std::unique_ptr<StreamDecoder> decoder = dialect.make_decoder(c);
//   decoder->feed(chunk, seconds_since_request_sent);  // for each chunk libcurl delivers
//   decoder->finish(seconds_since_request_sent);       // once, when the transfer ends
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "goodput/completion.hpp"
#include "goodput/model_spec.hpp"  // k_default_max_answer_mb
#include "goodput/reasoning_split.hpp"

namespace goodput {

class StreamDecoder {
 public:
  // `out` must outlive the decoder; it is filled in place as bytes arrive.
  explicit StreamDecoder(Completion& out) : m_out(out) {}
  virtual ~StreamDecoder() = default;
  StreamDecoder(const StreamDecoder&) = delete;
  StreamDecoder& operator=(const StreamDecoder&) = delete;

  // Bytes received at client time t_seconds (since the request was sent), split anywhere
  // (inside a line, an event or a UTF-8 character). Ignored once finished().
  void feed(std::string_view bytes, double t_seconds);

  // The transfer ended at t_seconds. Takes what the framing still holds, sets times.end,
  // releases text held back as a possible partial tag, decides whether the stream was
  // complete, fills token estimates where the server sent no usage, then computes metrics.
  // Call it once, after the last feed(); later calls do nothing.
  void finish(double t_seconds);

  // True once no more bytes are wanted: the end marker or an error arrived, or finish() was
  // called. A provider may stop reading then.
  bool finished() const { return m_stopped || m_finish_called; }

  // The most a reply may bring: answer and reasoning text, with what the framing and the
  // reasoning splitter still hold (an event or a line whose end has not come). Beyond it the
  // run ends as an error, "answer exceeded N MB", keeping the first 64 KB of the answer and
  // the reasoning, and finished() tells the provider to stop reading. Default 16 MB
  // (ModelSpec::max_answer_mb).
  void set_max_bytes(std::size_t max_bytes) { m_max_bytes = max_bytes; }

 protected:
  // The format's part. decode(): the next bytes; never called once finished().
  virtual void decode(std::string_view bytes, double t_seconds) = 0;
  // The transfer ended: handle what the framing still holds (an event or a line that lacks
  // its terminator). Called first by finish(), also after stop().
  virtual void drain(double t_seconds) = 0;
  // Everything arrived: derive the server's figures from what it sent. After drain().
  virtual void finish_server_figures() {}
  // What a complete stream ends with, for the truncation message ("the stream ended before
  // <end_marker>; ...").
  virtual std::string_view end_marker() const = 0;
  // Bytes the framing holds for an event or a line whose end has not arrived yet.
  virtual std::size_t buffered_bytes() const { return 0; }

  // The text of one chunk: `content` as the server sent it (think tags or harmony markers in
  // it are split out as reasoning) and `reasoning`, the server's own reasoning field. A chunk
  // with neither is not a token chunk.
  void add_text(std::string_view content, std::string_view reasoning, double t_seconds);
  // The server's finish word, kept as it is and normalised.
  void set_stop_reason(std::string_view server_word);
  // The server said the reply is complete (its end marker, or a finish reason).
  void mark_complete() { m_complete = true; }
  // Later input is ignored: the end marker arrived.
  void stop() { m_stopped = true; }
  bool stopped() const { return m_stopped; }
  // Stops, and records the error unless one is already there: the first cause is the one
  // worth reporting.
  void fail(ErrorKind kind, std::string message);
  // `text` parsed into `out` when it is a JSON object. Else fails with bad_response: "the
  // server sent <what> is not valid JSON: "<the start of text>"<hint>", and returns false.
  bool parse_object(std::string_view text, std::string_view what, nlohmann::json& out, std::string_view hint = {});

  Completion& m_out;

 private:
  // Adds what the splitter made of `content` to this chunk's `answer` and `reasoning`.
  void take_split(const detail::SplitText& piece, std::string& answer, std::string& reasoning);
  void release_held_text(double t_seconds);
  void estimate_tokens();
  void enforce_max_bytes();

  detail::ReasoningSplitter m_splitter;
  bool m_reasoning_field = false;         // the server sent reasoning in its own field
  std::int64_t m_answer_only_chunks = 0;  // answer chunks without reasoning, so far
  bool m_complete = false;
  bool m_stopped = false;  // the end marker or an error: later input is ignored
  bool m_finish_called = false;
  std::size_t m_max_bytes = k_default_max_answer_mb * k_bytes_per_mb;
};

}  // namespace goodput
