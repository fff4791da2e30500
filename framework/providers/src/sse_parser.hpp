// SPDX-License-Identifier: MIT
// Server-sent events framing (wire-formats.md §0), modelled on openai-python's SSEDecoder.
// Internal to the framework: providers feed it the bytes libcurl hands them, in whatever
// pieces they arrive, and get whole events back.
//
//   detail::SseParser parser;
//   parser.feed(chunk, [&](const detail::SseEvent& e) { handle(e); });  // per chunk
//   parser.finish([&](const detail::SseEvent& e) { handle(e); });       // at end of stream
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace goodput::detail {

struct SseEvent {
  std::string event;  // the `event` field; empty for the default type ("message")
  std::string data;   // the `data` lines joined with "\n", as raw bytes (whole UTF-8 characters)
  std::string id;     // the last event id seen so far: it persists across events (SSE spec)
  bool has_data = false;  // at least one `data` line arrived (data may still be empty)
  std::optional<std::int64_t> retry;  // a valid `retry` field in this event, in ms
  // `error` lines, joined with "\n". Not an SSE field: old llama.cpp builds sent mid-stream
  // errors as `error: {...}` followed by `data: [DONE]`, which a parser that follows the
  // spec drops, turning a failed generation into a normal end (wire-formats.md §B).
  std::string nonstandard_error;

  friend bool operator==(const SseEvent&, const SseEvent&) = default;
};

class SseParser {
 public:
  using EventHandler = std::function<void(const SseEvent&)>;

  // Takes the next bytes of the stream, split anywhere (inside a line, a CR LF pair or a
  // UTF-8 character), and calls on_event for each event the bytes complete, in order.
  void feed(std::string_view bytes, const EventHandler& on_event);

  // The stream ended. An event whose lines all ended with a line break but that lacks the
  // final blank line is dispatched: some servers close right after their last line, and
  // losing a usage or [DONE] event over it would be wrong. An event whose last line was
  // cut mid-way is dropped, since its data is known to be incomplete. (openai-python and
  // the SSE spec drop both.) The parser is then reset and can take a new stream.
  void finish(const EventHandler& on_event);

  // What the parser holds of an event not dispatched yet (its lines so far, the line whose
  // end has not arrived) and the last id: a server that never ends a line or an event makes it
  // grow, so its user bounds it (StreamDecoder's answer cap).
  std::size_t buffered_bytes() const {
    return m_line.size() + m_event.data.size() + m_event.event.size() + m_event.nonstandard_error.size() + m_last_id.size();
  }

 private:
  void feed_lines(std::string_view bytes, const EventHandler& on_event);
  void process_line(std::string_view line, const EventHandler& on_event);
  void dispatch(const EventHandler& on_event);

  std::string m_line;        // the start of a line whose end has not arrived yet
  bool m_skip_lf = false;    // the last chunk ended in CR: a leading LF completes that CR LF
  bool m_bom_done = false;   // past the point where a byte order mark may appear
  std::size_t m_bom_matched = 0;
  SseEvent m_event;          // the event being collected
  bool m_collecting = false; // some field of m_event was set since the last dispatch
  bool m_has_error_line = false;
  std::string m_last_id;
};

}  // namespace goodput::detail
