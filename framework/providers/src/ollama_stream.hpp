// SPDX-License-Identifier: MIT
// Decodes Ollama's native /api/chat stream (NDJSON, wire-formats.md §C) into a Completion:
// message.content is the answer, message.thinking the reasoning, and the final
// `"done": true` line carries done_reason and the durations in nanoseconds (each field
// omitted when zero, as Go's omitempty does). A `{"error": ...}` line mid-stream is a
// stream error. What every stream shares (reasoning split, timing, token estimates,
// metrics) is StreamDecoder's.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "goodput/stream_decoder.hpp"

namespace goodput {

class OllamaStreamDecoder final : public StreamDecoder {
 public:
  using StreamDecoder::StreamDecoder;  // (Completion& out)

 protected:
  std::string_view end_marker() const override { return "Ollama's final \"done\": true line"; }
  // Only "\n" ends a line. A line takes the time of the chunk that completed it.
  void decode(std::string_view bytes, double t_seconds) override;
  // A last line that lacks its "\n".
  void drain(double t_seconds) override;
  std::size_t buffered_bytes() const override { return m_line.size(); }

 private:
  void handle_line(std::string_view line, double t_seconds);
  void handle_done(const nlohmann::json& line);

  std::string m_line;  // the start of a line whose "\n" has not arrived yet
};

// Ollama reports durations in nanoseconds.
constexpr double k_ollama_ns_per_s = 1e9;

}  // namespace goodput
