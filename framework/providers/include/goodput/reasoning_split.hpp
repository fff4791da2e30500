// SPDX-License-Identifier: MIT
// Splits reasoning out of a model's answer text when the server leaves it in `content`
// (wire-formats.md §B reasoning formats, §F harmony). Incremental: fed the content deltas
// in order, split anywhere (even inside a tag), it returns what is answer and what is
// reasoning so far, holding back a possible partial tag ("<thi") until the next delta
// decides. Internal to the providers; StreamDecoder::add_text runs it for every dialect:
//
//   detail::ReasoningSplitter splitter;
//   for each content delta:
//     detail::SplitText piece = splitter.feed(delta);
//     if (piece.answer_was_reasoning) { reasoning += answer; answer.clear(); }
//     reasoning += piece.reasoning;
//     answer += piece.answer;
//   detail::SplitText rest = splitter.finish();  // once, at the end: same handling
//
// What it recognises:
//  * `<think>…</think>` and `<thinking>…</thinking>` when the block opens before any answer
//    text (leading whitespace allowed); several blocks in a row are all reasoning. An
//    unclosed block is reasoning up to the end. Whitespace right after a closed block is
//    dropped (the answer usually starts with "\n\n").
//  * A lone `</think>` (no opening tag seen) when the chat template opened `<think>` in the
//    prompt (DeepSeek-R1, Qwen3 thinking): everything before it was reasoning. Text is
//    passed on as answer until then (holding it back could take the whole reasoning), so
//    the caller is told with `answer_was_reasoning` to move the answer it has so far.
//    Recognised once, only while no other tag has been seen.
//  * gpt-oss harmony markers leaking into content (§F):
//    `<|channel|>analysis<|message|>…<|end|>` is reasoning,
//    `<|start|>assistant<|channel|>final<|message|>…` is answer; `commentary` (tool calls
//    and preambles) and any other channel count as reasoning, a message without a channel
//    as answer. Headers (`<|start|>role`, `<|channel|>name …<|constrain|>json`) and the
//    markers `<|end|>`, `<|return|>`, `<|call|>` are dropped. Recognised anywhere outside
//    a think block.
// Text without any of these passes through unchanged (a '<' may be delayed by one delta).
#pragma once

#include <string>
#include <string_view>

namespace goodput::detail {

struct SplitText {
  std::string answer;     // new answer text, in order
  std::string reasoning;  // new reasoning text, in order
  // Everything returned as answer by earlier calls was reasoning after all (a lone
  // `</think>`): move it to the reasoning before appending `reasoning` and `answer`.
  bool answer_was_reasoning = false;
};

class ReasoningSplitter {
 public:
  // The next content delta, in order.
  SplitText feed(std::string_view delta);
  // The stream ended: releases the held-back text (a partial tag that never completed is
  // text). Later feed() calls start nothing new; call it once.
  SplitText finish();

  // Text held back, not yet answer or reasoning: a partial tag, leading whitespace, a harmony
  // header whose <|message|> has not come.
  std::size_t held_bytes() const { return m_pending.size() + m_held_space.size() + m_header.size(); }

  // True while the text being received is reasoning (inside a think block or a harmony
  // non-final channel): a delta that produced nothing visible still was reasoning tokens.
  bool in_reasoning() const;
  // True once any reasoning was found in the content.
  bool found_reasoning() const { return m_found_reasoning; }

  enum class MarkerKind : int;  // internal; defined in the .cpp beside the marker table

 private:
  enum class Mode {
    start,           // nothing but whitespace yet: a think block may open
    answer,          // plain answer text
    think,           // inside <think>…</think>
    after_block,     // after a closed block: whitespace is dropped, a think block may open
    harmony_header,  // inside a harmony header (role, channel name, constraint)
    harmony_text,    // inside a harmony message; m_harmony_final says which kind
  };

  // Splits m_pending into `out`, keeping a possible partial marker unless `at_end`.
  void process(SplitText& out, bool at_end);
  bool marker_active(MarkerKind kind) const;  // recognised in the current mode
  // `answer_before`: answer text was returned by an earlier call.
  void take_marker(SplitText& out, MarkerKind kind, bool answer_before);
  void emit_text(SplitText& out, std::string_view text);

  Mode m_mode = Mode::start;
  std::string m_pending;     // received, not yet decided
  std::string m_held_space;  // leading whitespace in Mode::start, given to what follows
  std::string m_header;      // harmony header text since <|channel|>
  bool m_header_has_channel = false;
  bool m_harmony_final = false;
  bool m_seen_tag = false;         // any think tag or harmony marker so far
  bool m_answer_emitted = false;   // some answer text has been returned
  bool m_found_reasoning = false;
  bool m_finished = false;
};

}  // namespace goodput::detail
