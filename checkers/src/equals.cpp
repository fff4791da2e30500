// SPDX-License-Identifier: MIT
// `equals`: the whole answer is the expected text, by default once surrounding whitespace
// (ASCII and Unicode, the ideographic space included) is trimmed from both.
#include <string>
#include <string_view>
#include <utility>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "goodput/utf8.hpp"

namespace goodput::checkers::detail {

namespace {

bool is_space(char32_t cp) {
  switch (cp) {
    case U'\t': case U'\n': case U'\v': case U'\f': case U'\r': case U' ':
    case U'\u0085': case U'\u00A0': case U'\u1680': case U'\u2028': case U'\u2029':
    case U'\u202F': case U'\u205F': case U'\u3000':
    // Not White_Space in Unicode, but a byte-order mark left at the start is never content.
    case U'\uFEFF':
      return true;
    default:
      return cp >= U'\u2000' && cp <= U'\u200A';
  }
}

std::string_view trim(std::string_view text) {
  std::size_t first = text.size();
  std::size_t last = 0;
  for (std::size_t pos = 0, size = 0; pos < text.size(); pos += size) {
    if (!is_space(utf8::decode(text, pos, size))) {
      if (first == text.size()) first = pos;
      last = pos + size;
    }
  }
  return first == text.size() ? std::string_view() : text.substr(first, last - first);
}

struct Difference {
  std::size_t character = 0;  // code points before the first difference
  std::size_t expected_byte = 0;
  std::size_t answer_byte = 0;
};

Difference first_difference(std::string_view expected, std::string_view answer) {
  Difference at;
  while (at.expected_byte < expected.size() && at.answer_byte < answer.size()) {
    std::size_t expected_size = 0;
    std::size_t answer_size = 0;
    utf8::decode(expected, at.expected_byte, expected_size);
    utf8::decode(answer, at.answer_byte, answer_size);
    if (expected.substr(at.expected_byte, expected_size) != answer.substr(at.answer_byte, answer_size)) {
      break;
    }
    at.expected_byte += expected_size;
    at.answer_byte += answer_size;
    ++at.character;
  }
  return at;
}

class EqualsChecker final : public Checker {
 public:
  EqualsChecker(std::string value, bool trim_spaces) : m_value(std::move(value)), m_trim(trim_spaces) {}

  CheckResult check(const Completion& completion) const override {
    const std::string_view expected = m_trim ? trim(m_value) : std::string_view(m_value);
    const std::string_view answer = m_trim ? trim(completion.answer) : std::string_view(completion.answer);
    if (expected == answer) return {Outcome::pass, "equals: the answer is " + quote(expected)};

    const Difference at = first_difference(expected, answer);
    const std::string where = "at character " + with_commas(at.character + 1);
    std::string message = "equals: ";
    if (answer.empty()) {
      message += "the answer is empty" + std::string(m_trim ? " (after trimming)" : "") +
                 ", expected " + quote(expected);
    } else if (at.answer_byte == answer.size()) {
      message += "the answer stops " + where + " where the expected text continues with " +
                 quote(expected.substr(at.expected_byte)) + "; got " + show(answer, at.answer_byte);
    } else if (at.expected_byte == expected.size()) {
      message += "the answer goes on " + where + " after the expected text, with " +
                 quote(answer.substr(at.answer_byte)) + "; expected " + show(expected, at.expected_byte);
    } else {
      message += "first difference " + where + ": expected " + show(expected, at.expected_byte) +
                 ", got " + show(answer, at.answer_byte);
    }
    message += " (expected " + with_commas(utf8::length(expected)) + " characters, got " +
               with_commas(utf8::length(answer)) + ")";
    return {Outcome::fail, std::move(message)};
  }

  std::string describe() const override {
    return "equals " + quote(m_value) + (m_trim ? " (ignoring surrounding whitespace)" : "");
  }

 private:
  // Around the difference, so that two long texts that differ late do not print the same
  // truncated beginning twice.
  static std::string show(std::string_view text, std::size_t byte) {
    return quote_around(text, byte, byte, 30);
  }

  std::string m_value;
  bool m_trim = true;
};

}  // namespace

CheckerType equals_type() {
  return {"equals",
          "the whole answer equals a text (surrounding whitespace trimmed by default)",
          {{"value", ParamType::string, true, "the expected answer"},
           {"trim", ParamType::boolean, false,
            "trim ASCII and Unicode whitespace at both ends of both texts first (default true)"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            return std::make_unique<EqualsChecker>(params.string("value"),
                                                   params.boolean("trim", true));
          },
          /*negatable=*/true};
}

}  // namespace goodput::checkers::detail
