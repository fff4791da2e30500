// SPDX-License-Identifier: MIT
#include "providers/src/sse_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace goodput::detail {
// Failures show the events, not their bytes.
void PrintTo(const SseEvent& e, std::ostream* os) {
  *os << "{event=\"" << e.event << "\" data=\"" << e.data << "\" id=\"" << e.id
      << "\" has_data=" << e.has_data << " retry=" << (e.retry ? std::to_string(*e.retry) : "-")
      << " error=\"" << e.nonstandard_error << "\"}";
}
}  // namespace goodput::detail

namespace {

using goodput::detail::SseEvent;
using goodput::detail::SseParser;
using Events = std::vector<SseEvent>;
using namespace std::string_literals;

std::string read_capture(const std::string& name) {
  const std::string path = std::string(GOODPUT_TEST_DATA_DIR) + "/captures/llama-server/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Feeds `stream` in the pieces delimited by the sorted positions `cuts`, then ends it.
Events parse_with_cuts(std::string_view stream, const std::vector<std::size_t>& cuts) {
  SseParser parser;
  Events events;
  const auto on_event = [&](const SseEvent& e) { events.push_back(e); };
  std::size_t from = 0;
  for (const std::size_t cut : cuts) {
    parser.feed(stream.substr(from, cut - from), on_event);
    from = cut;
  }
  parser.feed(stream.substr(from), on_event);
  parser.finish(on_event);
  return events;
}

Events parse(std::string_view stream) { return parse_with_cuts(stream, {}); }

Events parse_byte_by_byte(std::string_view stream) {
  std::vector<std::size_t> cuts(stream.size());
  for (std::size_t i = 0; i < cuts.size(); ++i) cuts[i] = i;
  return parse_with_cuts(stream, cuts);
}

SseEvent data_event(std::string data, std::string id = "") {
  SseEvent e;
  e.data = std::move(data);
  e.has_data = true;
  e.id = std::move(id);
  return e;
}

// The events must not depend on how the bytes were split: whole, byte by byte, at every
// single split point (up to `max_two_way` of them, spread evenly), and at random cuts.
void expect_split_invariant(std::string_view stream, std::size_t max_two_way = 1u << 30) {
  const Events reference = parse(stream);
  EXPECT_EQ(parse_byte_by_byte(stream), reference) << "byte by byte";

  const std::size_t step = std::max<std::size_t>(1, stream.size() / max_two_way);
  for (std::size_t cut = 0; cut <= stream.size(); cut += step) {
    if (parse_with_cuts(stream, {cut}) != reference) {
      ADD_FAILURE() << "split at byte " << cut << " gives different events";
      break;
    }
  }

  std::mt19937 rng(20261121);
  for (int round = 0; round < 200; ++round) {
    std::uniform_int_distribution<std::size_t> count_dist(1, std::min<std::size_t>(stream.size(), 64) + 1);
    std::uniform_int_distribution<std::size_t> pos_dist(0, stream.size());
    std::vector<std::size_t> cuts(count_dist(rng));
    for (auto& cut : cuts) cut = pos_dist(rng);
    std::sort(cuts.begin(), cuts.end());
    if (parse_with_cuts(stream, cuts) != reference) {
      ADD_FAILURE() << "random split round " << round << " gives different events";
      break;
    }
  }
}

// An independent reading of the captures, which use only `data: ...\n\n`.
Events naive_capture_events(std::string_view stream) {
  Events events;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    const std::size_t end = stream.find("\n\n", pos);
    const std::string_view block = stream.substr(pos, end - pos);
    EXPECT_TRUE(block.starts_with("data: ")) << block.substr(0, 40);
    events.push_back(data_event(std::string(block.substr(6))));
    if (end == std::string_view::npos) break;
    pos = end + 2;
  }
  return events;
}

class SseCaptureTest : public ::testing::TestWithParam<const char*> {};

TEST_P(SseCaptureTest, MatchesAnIndependentReadingInEverySplit) {
  const std::string stream = read_capture(GetParam());
  ASSERT_FALSE(stream.empty());
  const Events events = parse(stream);
  EXPECT_EQ(events, naive_capture_events(stream));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().data, "[DONE]");
  // Every split point of the large captures would be quadratic in a Debug build; 4,000
  // spread over the file still puts a cut inside every event and every "\n\n".
  expect_split_invariant(stream, 4000);
}

INSTANTIATE_TEST_SUITE_P(LlamaServer, SseCaptureTest,
                         ::testing::Values("stream-usage.sse", "stream-no-usage.sse",
                                           "stream-code-block.sse", "stream-cut-by-length.sse"));

TEST(SseParser, CutByLengthCaptureSurvivesEverySplitPoint) {
  const std::string stream = read_capture("stream-cut-by-length.sse");
  ASSERT_EQ(parse(stream).size(), 12u);
  expect_split_invariant(stream);
}

TEST(SseParser, LineEndingsCrLfAndCrAndLf) {
  const Events expected{data_event("a"), data_event("b"), data_event("c")};
  EXPECT_EQ(parse("data: a\r\n\r\ndata: b\r\n\r\ndata: c\r\n\r\n"), expected);
  EXPECT_EQ(parse("data: a\r\rdata: b\r\rdata: c\r\r"), expected);
  EXPECT_EQ(parse("data: a\n\ndata: b\r\rdata: c\r\n\r\n"), expected);
  // CR LF CR LF is two line ends, LF CR is two as well, so "\n\r" ends a line and an event.
  EXPECT_EQ(parse("data: a\n\rdata: b\r\n\rdata: c\n\n"), expected);
  expect_split_invariant("data: a\r\n\r\ndata: b\r\rdata: c\n\r\ndata: d\r\n\r\n");
}

TEST(SseParser, CrAtTheEndOfAChunkAndLfAtTheStartOfTheNext) {
  // The LF completes the CR LF: it must not count as a second, empty line. If it did, the
  // two data lines would become two events.
  SseParser parser;
  Events events;
  const auto on_event = [&](const SseEvent& e) { events.push_back(e); };
  parser.feed("data: a\r", on_event);
  parser.feed("", on_event);  // an empty chunk in between changes nothing
  parser.feed("\ndata: b\r", on_event);
  parser.feed("\n", on_event);
  EXPECT_TRUE(events.empty());
  parser.feed("\r", on_event);  // the blank line
  EXPECT_EQ(events, Events{data_event("a\nb")});
  parser.feed("\n", on_event);  // completes that CR LF, no second blank line
  parser.feed("data: c\r", on_event);
  parser.feed("\r", on_event);  // CR CR: two line ends, the second empty
  EXPECT_EQ(events, (Events{data_event("a\nb"), data_event("c")}));
}

TEST(SseParser, CommentsAreIgnored) {
  const std::string stream = ": ping\n\n:\n\ndata: x\n: a comment inside an event\ndata: y\n\n: ping\n\n";
  EXPECT_EQ(parse(stream), Events{data_event("x\ny")});
  expect_split_invariant(stream);
}

TEST(SseParser, MultiLineDataAndTheLeadingSpace) {
  const std::string stream = "data: line1\ndata:line2\ndata\ndata:  two spaces\ndata: \n\n";
  EXPECT_EQ(parse(stream), Events{data_event("line1\nline2\n\n two spaces\n")});
  expect_split_invariant(stream);
}

TEST(SseParser, ALineWithoutColonIsAFieldWithEmptyValue) {
  EXPECT_EQ(parse("data\n\n"), Events{data_event("")});
  EXPECT_EQ(parse("event\n\n"), Events{SseEvent{}});  // an empty event name, still an event
}

TEST(SseParser, EventNames) {
  const std::string stream = "event: error\ndata: {\"error\":\"x\"}\n\nevent:ping\n\ndata: plain\n\n";
  SseEvent error = data_event("{\"error\":\"x\"}");
  error.event = "error";
  SseEvent ping;  // an event name alone is dispatched, without data
  ping.event = "ping";
  EXPECT_EQ(parse(stream), (Events{error, ping, data_event("plain")}));
  expect_split_invariant(stream);
}

TEST(SseParser, IdPersistsAndRetryIsPerEvent) {
  const std::string stream =
      "id: 7\ndata: a\n\n"
      "data: b\n\n"
      "retry: 1500\ndata: c\n\n"
      "retry: 15x\ndata: d\n\n"
      "id: bad\0id\ndata: e\n\n"
      "id\ndata: f\n\n"s;
  SseEvent c = data_event("c", "7");
  c.retry = 1500;
  EXPECT_EQ(parse(stream), (Events{data_event("a", "7"), data_event("b", "7"), c,
                                   data_event("d", "7"), data_event("e", "7"), data_event("f", "")}));
  expect_split_invariant(stream);
}

TEST(SseParser, UnknownFieldsAreIgnored) {
  const std::string stream = "foo: bar\n\nfoo: bar\ndata: x\nDATA: upper case is another field\n\n";
  EXPECT_EQ(parse(stream), Events{data_event("x")});
  expect_split_invariant(stream);
}

TEST(SseParser, NonstandardErrorLineIsKept) {
  // Old llama.cpp: the error as an `error:` field, then a normal [DONE].
  const std::string stream =
      "data: {\"choices\":[]}\n\n"
      "error: {\"code\":500,\"message\":\"boom\",\"type\":\"server_error\"}\n\n"
      "data: [DONE]\n\n";
  SseEvent error;
  error.nonstandard_error = R"({"code":500,"message":"boom","type":"server_error"})";
  EXPECT_EQ(parse(stream), (Events{data_event("{\"choices\":[]}"), error, data_event("[DONE]")}));
  expect_split_invariant(stream);

  SseEvent two_lines = data_event("d");
  two_lines.nonstandard_error = "one\n\ntwo";
  EXPECT_EQ(parse("error: one\nerror\ndata: d\nerror: two\n\n"), Events{two_lines});
}

TEST(SseParser, Utf8SplitInsideACharacterArrivesWhole) {
  const std::string text = "日本語の答え 🎉 naïve";
  const std::string stream = "data: {\"content\":\"" + text + "\"}\n\ndata: " + text + "\n\n";
  const Events expected{data_event("{\"content\":\"" + text + "\"}"), data_event(text)};
  EXPECT_EQ(parse(stream), expected);
  // Cuts inside the 3-byte 日 and the 4-byte 🎉.
  const std::size_t in_kanji = stream.find("日") + 1;
  const std::size_t in_emoji = stream.find("🎉") + 2;
  EXPECT_EQ(parse_with_cuts(stream, {in_kanji, in_kanji + 1, in_emoji}), expected);
  expect_split_invariant(stream);
}

TEST(SseParser, ByteOrderMarkAtTheStartIsStripped) {
  EXPECT_EQ(parse("\xEF\xBB\xBF" "data: x\n\n"), Events{data_event("x")});
  expect_split_invariant("\xEF\xBB\xBF" "data: x\n\n");
  // Only the first: a second BOM is part of the field name, which is then unknown.
  EXPECT_TRUE(parse("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\n").empty());
  // Not at the start: kept in the data.
  EXPECT_EQ(parse("data: \xEF\xBB\xBFy\n\n"), Events{data_event("\xEF\xBB\xBFy")});
  // The start of a BOM that is not one is data: here it spoils the field name.
  EXPECT_TRUE(parse("\xEF\xBB" "data: x\n\n").empty());
  EXPECT_EQ(parse("\xEF\n\ndata: z\n\n"), Events{data_event("z")});
  expect_split_invariant("\xEF\xBB" "data: z\n\n\xEF\xBB\xBF" "data: w\n\n");
}

TEST(SseParser, EventWithoutFinalBlankLineIsDispatchedAtTheEnd) {
  // Complete lines, missing only the blank line: dispatched by finish().
  EXPECT_EQ(parse("data: a\n\ndata: b\n"), (Events{data_event("a"), data_event("b")}));
  EXPECT_EQ(parse("data: a\n\ndata: b\r"), (Events{data_event("a"), data_event("b")}));
  expect_split_invariant("data: a\n\ndata: [DONE]\n");
  // A line cut mid-way is known to be incomplete: dropped.
  EXPECT_EQ(parse("data: a\n\ndata: {\"cut"), Events{data_event("a")});
  EXPECT_EQ(parse("data: a\n\ndata: b\ndata: {\"cut"), Events{data_event("a")});
  expect_split_invariant("data: a\n\ndata: {\"cut");
}

TEST(SseParser, BlankLinesWithNothingCollectedDispatchNothing) {
  EXPECT_EQ(parse("\n\n\r\n\r\rdata: x\n\n\n\n"), Events{data_event("x")});
  EXPECT_TRUE(parse("").empty());
  EXPECT_TRUE(parse("\n").empty());
}

TEST(SseParser, SeveralEventsInOneChunk) {
  SseParser parser;
  Events events;
  parser.feed("data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4",
              [&](const SseEvent& e) { events.push_back(e); });
  EXPECT_EQ(events, (Events{data_event("1"), data_event("2"), data_event("3")}));
}

TEST(SseParser, FinishResetsForANewStream) {
  SseParser parser;
  Events events;
  const auto on_event = [&](const SseEvent& e) { events.push_back(e); };
  parser.feed("id: 1\ndata: a\n\ndata: cut", on_event);
  parser.finish(on_event);
  parser.feed("\xEF\xBB\xBF" "data: b\n\n", on_event);
  parser.finish(on_event);
  EXPECT_EQ(events, (Events{data_event("a", "1"), data_event("b")}));
}

TEST(SseParser, LongEventFedByteByByteStaysLinear) {
  // 4 MiB in one data line, one byte per feed: a parser that rescans its buffer on every
  // byte does ~8e12 byte reads here and runs into the test timeout.
  const std::string payload(4u << 20, 'x');
  const std::string stream = "data: " + payload + "\n\n";
  SseParser parser;
  std::size_t dispatched = 0;
  std::size_t data_size = 0;
  const SseParser::EventHandler on_event = [&](const SseEvent& e) {
    ++dispatched;
    data_size = e.data.size();
  };
  for (const char byte : stream) parser.feed(std::string_view(&byte, 1), on_event);
  EXPECT_EQ(dispatched, 1u);
  EXPECT_EQ(data_size, payload.size());
}

}  // namespace
