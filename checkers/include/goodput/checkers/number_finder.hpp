// SPDX-License-Identifier: MIT
// Finds the numbers a person would read in model output, in English and Japanese forms, so
// that "100,000", "10万人" and "１０万" all count as 100000.
//
//   for (const auto& n : goodput::checkers::find_numbers("追加で10万人、つまり60%"))
//     ...  // {100000, "10万"}, {60 or 0.6, "60%"}
//
// What is read (full-width digits and signs count as their ASCII forms):
//   - digits with an optional sign and decimals: "42", "-3", "2.5", "+7";
//   - thousands separators in groups of exactly three: "1,000,000"; anything else splits, so
//     "1,50" is the two numbers 1 and 50;
//   - Japanese units, mixed with digits or kanji: "10万", "1.5億", "1万5000", "1万5千", "3千",
//     "2億3000万", "十万", "二十", "三千五百", "二〇二五"; a unit word after them ("人", "円")
//     is not part of the number;
//   - percent: "60%", "60 %", "60％", "60パーセント", "60 percent" read as 60 and 0.6; "6割" as
//     6, 60 and 0.6;
//   - English scale words and exponents: "1.5 million", "100k", "1e5";
//   - ranges: in "50〜60%" the 50 is also read as 0.5, and in "50〜60万" as 500000.
// What is not:
//   - digits glued to ASCII letters before them, which name things rather than count them:
//     "R0", "H2O", "mp3", "v2", "COVID-19", "GPT-4o", "Python3.11";
//   - a part of a larger number: "1,000,000" never yields 1, "10万" never yields 10;
//   - dotted sequences with more than one dot ("1.2.3", "192.168.0.1"), hex ("0x1F");
//   - thousands separated by spaces ("100 000" is 100 and 0);
//   - a single kanji numeral with no counter after it, since it is usually part of a word
//     ("一般", "十分", "千葉"), and numerals after 数/何/幾 ("数百万" is not a million).
// Dates are plain numbers: "2025年8月5日" yields 2025, 8 and 5.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace goodput::checkers {

struct FoundNumber {
  // What the text says: "10万" -> 100000, "60%" -> 60, "1.5億" -> 150000000.
  double value = 0;
  // Every reading a checker should accept, `value` first: "60%" -> {60, 0.6}.
  std::vector<double> interpretations;
  // Byte offsets in the original text: [begin, end).
  std::size_t begin = 0;
  std::size_t end = 0;
  // The original bytes, e.g. "１０万", "60%".
  std::string text;
};

// In order of appearance. Never throws on any input, including invalid UTF-8.
std::vector<FoundNumber> find_numbers(std::string_view text);

}  // namespace goodput::checkers
