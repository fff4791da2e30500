// SPDX-License-Identifier: MIT
#include "goodput/checkers/number_finder.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "goodput/utf8.hpp"

namespace goodput::checkers {

namespace {

constexpr double k_none = std::numeric_limits<double>::infinity();

// One code point of the text, folded so that full-width forms read as ASCII, with the byte
// offset where it starts in the original.
struct CodePoint {
  char32_t c;
  std::size_t begin;
};

char32_t fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFF01 + 0x21;
  if (c == 0x3000) return U' ';
  if (c == 0x2212) return U'-';  // MINUS SIGN
  if (c == 0x301C) return U'~';  // WAVE DASH, as in 50〜60
  return c;
}

bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool is_ascii_letter(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
bool is_word(char32_t c) { return is_digit(c) || is_ascii_letter(c) || c == U'_'; }
char32_t lower(char32_t c) { return c >= U'A' && c <= U'Z' ? c - U'A' + U'a' : c; }

int kanji_digit(char32_t c) {
  switch (c) {
    case U'〇': case U'零': return 0;
    case U'一': return 1;
    case U'二': return 2;
    case U'三': return 3;
    case U'四': return 4;
    case U'五': return 5;
    case U'六': return 6;
    case U'七': return 7;
    case U'八': return 8;
    case U'九': return 9;
    default: return -1;
  }
}

double small_unit(char32_t c) {
  switch (c) {
    case U'十': return 10;
    case U'百': return 100;
    case U'千': return 1000;
    default: return 0;
  }
}

double big_unit(char32_t c) {
  switch (c) {
    case U'万': return 1e4;
    case U'億': return 1e8;
    case U'兆': return 1e12;
    default: return 0;
  }
}

bool starts_numeral(char32_t c) { return kanji_digit(c) >= 0 || small_unit(c) > 0; }

// Counters that make a lone kanji numeral a number: "一人", "三つ", "百円".
bool is_counter(char32_t c) {
  static constexpr std::u32string_view k_counters =
      U"人個件円回倍歳つ名台冊枚点章割年月日週位本匹頭社かヶヵカケ度杯%";
  return k_counters.find(c) != std::u32string_view::npos;
}

// "数百万" is "several million", not a million.
bool is_vague_prefix(char32_t c) { return c == U'数' || c == U'何' || c == U'幾'; }

class Scanner {
 public:
  explicit Scanner(std::string_view text) : m_text(text) {
    m_cps.reserve(text.size());
    for (std::size_t pos = 0, size = 0; pos < text.size(); pos += size) {
      m_cps.push_back({fold(utf8::decode(text, pos, size)), pos});
    }
  }

  std::vector<FoundNumber> run() {
    std::size_t i = 0;
    while (i < m_cps.size()) {
      const char32_t c = at(i);
      if (is_ascii_letter(c) || c == U'_') {
        i = skip_identifier(i);
        continue;
      }
      if (is_digit(c) || starts_numeral(c) || starts_signed(i)) {
        if (const auto end = read_number(i)) {
          i = *end;
          continue;
        }
      }
      // A run of kanji digits that is no number from its first digit (all 〇, or too long for
      // a double) is none from a later one either: a part of a larger number is not read.
      // Skipped whole: read again from each of its digits, 100 KB of them took minutes.
      if (kanji_digit(c) >= 0) {
        while (kanji_digit(at(i)) >= 0) ++i;
        continue;
      }
      ++i;
    }
    link_ranges();
    std::vector<FoundNumber> out;
    out.reserve(m_found.size());
    for (Found& found : m_found) out.push_back(std::move(found.number));
    return out;
  }

 private:
  struct Found {
    FoundNumber number;
    std::size_t first = 0;  // code point indices, [first, last)
    std::size_t last = 0;
    bool plain = false;       // digits only: no unit, no percent
    bool percent = false;
    double trailing_big = 0;  // the 万/億/兆 it ends with, for "50〜60万"
  };

  // A run of digits, thousands groups and decimals: "1,234.5".
  struct Arabic {
    double value = 0;
    std::size_t end = 0;
    bool usable = true;  // false: a version, an address, or too large for a double
  };

  // Digits and kanji up to a 万/億/兆: "3千5百", "二十五", "1,500".
  struct Small {
    double value = 0;
    std::size_t end = 0;
    bool arabic = false;
    int kanji = 0;  // kanji numerals read
    bool usable = true;
  };

  char32_t at(std::size_t i) const { return i < m_cps.size() ? m_cps[i].c : U'\0'; }
  char32_t before(std::size_t i) const { return i > 0 ? m_cps[i - 1].c : U'\0'; }
  std::size_t byte(std::size_t i) const { return i < m_cps.size() ? m_cps[i].begin : m_text.size(); }

  bool starts_signed(std::size_t i) const {
    const char32_t c = at(i);
    if (c != U'-' && c != U'+') return false;
    if (!is_digit(at(i + 1))) return false;
    // After a number or a word the dash is a hyphen, a range or a subtraction: "10-20",
    // "COVID-19", "1 - 1/2.5".
    std::size_t k = i;
    while (k > 0 && at(k - 1) == U' ') --k;
    const char32_t prev = before(k);
    return !is_word(prev) && !starts_numeral(prev) && big_unit(prev) == 0 && prev != U'%' &&
           prev != U')';
  }

  // An identifier that starts with a letter, with any digits glued to it: "R0", "H2O",
  // "COVID-19", "GPT-4o-mini", "v1.2.3". None of its digits are numbers.
  std::size_t skip_identifier(std::size_t i) const {
    std::size_t j = i;
    while (j < m_cps.size()) {
      const char32_t c = at(j);
      if (is_word(c)) {
        ++j;
      } else if (c == U'-' && is_word(at(j + 1))) {
        ++j;
      } else if (c == U'.' && is_digit(before(j)) && is_digit(at(j + 1))) {
        ++j;
      } else {
        break;
      }
    }
    return j;
  }

  bool word_at(std::size_t i, std::u32string_view word) const {
    for (std::size_t k = 0; k < word.size(); ++k) {
      if (lower(at(i + k)) != word[k]) return false;
    }
    return true;
  }

  Arabic read_arabic(std::size_t i) const {
    std::string digits;
    std::size_t j = i;
    while (is_digit(at(j))) digits += static_cast<char>(at(j++));
    if (j - i <= 3) {
      while (at(j) == U',' && is_digit(at(j + 1)) && is_digit(at(j + 2)) && is_digit(at(j + 3)) &&
             !is_digit(at(j + 4))) {
        for (std::size_t k = 1; k <= 3; ++k) digits += static_cast<char>(at(j + k));
        j += 4;
      }
    }
    if (at(j) == U'.' && is_digit(at(j + 1))) {
      std::size_t k = j + 1;
      while (is_digit(at(k))) ++k;
      if (at(k) == U'.' && is_digit(at(k + 1))) {
        while (is_digit(at(k)) || (at(k) == U'.' && is_digit(at(k + 1)))) ++k;
        return {0, k, false};
      }
      digits += '.';
      for (std::size_t d = j + 1; d < k; ++d) digits += static_cast<char>(at(d));
      j = k;
    }
    double value = 0;
    const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (result.ec != std::errc()) return {0, j, false};
    // An exponent only where a letter cannot start a unit: "1e5" but not "1em".
    std::size_t e = j + 1;
    if ((at(j) == U'e' || at(j) == U'E') && (at(e) == U'-' || at(e) == U'+')) ++e;
    if ((at(j) == U'e' || at(j) == U'E') && is_digit(at(e))) {
      std::size_t k = e;
      while (is_digit(at(k))) ++k;
      if (!is_word(at(k)) && k - e <= 3) {
        int exponent = 0;
        for (std::size_t d = e; d < k; ++d) exponent = exponent * 10 + static_cast<int>(at(d) - U'0');
        if (at(e - 1) == U'-') exponent = -exponent;
        value *= std::pow(10.0, exponent);
        if (!std::isfinite(value)) return {0, k, false};
        j = k;
      }
    }
    return {value, j, true};
  }

  // Kanji digits read place by place, "二〇二五" -> 2025; one digit is itself.
  std::optional<std::pair<double, std::size_t>> read_kanji_digits(std::size_t i) const {
    double value = 0;
    std::size_t j = i;
    while (kanji_digit(at(j)) >= 0) value = value * 10 + kanji_digit(at(j++));
    if (j == i) return std::nullopt;
    return std::make_pair(value, j);
  }

  std::optional<Small> read_small(std::size_t i) const {
    Small small;
    double last_unit = k_none;
    std::size_t j = i;
    bool any = false;
    while (true) {
      std::optional<double> coefficient;
      std::size_t k = j;
      bool arabic = false;
      int kanji = 0;
      if (is_digit(at(k))) {
        const Arabic a = read_arabic(k);
        if (!a.usable) {
          if (any) break;
          return Small{0, a.end, true, 0, false};
        }
        coefficient = a.value;
        k = a.end;
        arabic = true;
      } else if (const auto digits = read_kanji_digits(k)) {
        coefficient = digits->first;
        kanji = static_cast<int>(digits->second - k);
        k = digits->second;
      }
      const double unit = small_unit(at(k));
      if (unit > 0 && unit < last_unit && (!coefficient || *coefficient * unit < last_unit)) {
        small.value += (coefficient ? *coefficient : 1) * unit;
        last_unit = unit;
        j = k + 1;
        small.arabic = small.arabic || arabic;
        small.kanji += kanji + 1;
        any = true;
        continue;
      }
      if (coefficient && *coefficient < last_unit) {
        small.value += *coefficient;
        j = k;
        small.arabic = small.arabic || arabic;
        small.kanji += kanji;
        any = true;
      }
      break;
    }
    if (!any) return std::nullopt;
    small.end = j;
    return small;
  }

  // Reads the number starting at code point i, records it if it is one, and returns where to
  // go on from; nullopt when nothing was read.
  std::optional<std::size_t> read_number(std::size_t i) {
    const std::size_t first = i;
    double sign = 1;
    if (at(i) == U'-' || at(i) == U'+') {
      if (at(i) == U'-') sign = -1;
      ++i;
    }

    // Big units in descending order, each with its own small part: "2億3000万5千".
    double value = 0;
    double last_big = k_none;
    double trailing_big = 0;
    bool arabic = false;
    int kanji = 0;
    bool any = false;
    std::size_t j = i;
    while (true) {
      const auto small = read_small(j);
      if (!small) break;
      if (!small->usable) {
        if (!any) return small->end;
        break;
      }
      const double big = big_unit(at(small->end));
      if (big > 0) {
        // Units must descend: in "1万2万" the second part is not part of the first number.
        if (big >= last_big || small->value * big >= last_big) break;
        value += small->value * big;
        last_big = trailing_big = big;
        j = small->end + 1;
      } else if (small->value < last_big) {
        value += small->value;
        trailing_big = 0;
        j = small->end;
      } else {
        break;  // "1万50000": the 50000 is a number of its own
      }
      arabic = arabic || small->arabic;
      kanji += small->kanji + (trailing_big > 0 ? 1 : 0);
      any = true;
      if (trailing_big == 0) break;
    }
    if (!any) return std::nullopt;

    if (is_vague_prefix(before(first))) return j;
    if (!arabic) {
      const bool all_zero = [&] {
        for (std::size_t k = i; k < j; ++k) {
          if (kanji_digit(at(k)) != 0) return false;
        }
        return true;
      }();
      // "〇〇さん" is a placeholder name; a lone numeral is usually part of a word.
      if (all_zero || (kanji < 2 && !is_counter(at(j)))) return std::nullopt;
    }

    Found found;
    found.first = first;
    value *= sign;
    const bool units = kanji > 0 || trailing_big > 0;
    std::vector<double> readings;

    if (!units && arabic) {
      // 0x1F, 0b101: a literal in some base, not a decimal number.
      if (value == 0 && (at(j) == U'x' || at(j) == U'X' || at(j) == U'b' || at(j) == U'B') &&
          is_word(at(j + 1))) {
        return skip_identifier(j);
      }
      const std::size_t word_start = at(j) == U' ' ? j + 1 : j;
      static constexpr std::pair<std::u32string_view, double> k_scales[] = {
          {U"thousand", 1e3}, {U"million", 1e6}, {U"billion", 1e9}, {U"trillion", 1e12}};
      bool scaled = false;
      for (const auto& [word, scale] : k_scales) {
        if (word_at(word_start, word) && !is_ascii_letter(at(word_start + word.size()))) {
          value *= scale;
          j = word_start + word.size();
          scaled = true;
          break;
        }
      }
      if (!scaled && (at(j) == U'k' || at(j) == U'K') && !is_word(at(j + 1))) {
        // "100k" is 100000 in English prose; "4K" might be a resolution, so keep both.
        readings = {value * 1000, value};
        value *= 1000;
        ++j;
        scaled = true;
      }
      found.plain = !scaled;
    }

    const std::size_t percent_word = at(j) == U' ' ? j + 1 : j;
    if (at(j) == U'%' || (at(j) == U' ' && at(j + 1) == U'%')) {
      j = at(j) == U'%' ? j + 1 : j + 2;
      found.percent = true;
    } else if (word_at(j, U"パーセント")) {
      j += 5;
      found.percent = true;
    } else if (word_at(percent_word, U"percent") && !is_ascii_letter(at(percent_word + 7))) {
      j = percent_word + 7;
      found.percent = true;
    } else if (at(j) == U'割') {
      readings = {value, value * 10, value / 10};
      ++j;
      found.plain = false;
    }
    if (found.percent) {
      readings = {value, value / 100};
      found.plain = false;
    }
    if (readings.empty()) readings = {value};

    found.last = j;
    found.trailing_big = found.percent ? 0 : trailing_big;
    found.number.value = value;
    found.number.interpretations = std::move(readings);
    found.number.begin = byte(first);
    found.number.end = byte(j);
    found.number.text = std::string(m_text.substr(found.number.begin, found.number.end - found.number.begin));
    m_found.push_back(std::move(found));
    return j;
  }

  // In "50〜60%" and "50〜60万" the unit written once belongs to both ends.
  void link_ranges() {
    for (std::size_t n = 0; n + 1 < m_found.size(); ++n) {
      Found& low = m_found[n];
      const Found& high = m_found[n + 1];
      if (!low.plain || (!high.percent && high.trailing_big == 0)) continue;
      std::size_t k = low.last;
      while (at(k) == U' ') ++k;
      if (at(k) == U'~' || at(k) == U'-' || at(k) == U'–' || at(k) == U'—') {
        ++k;
      } else if (at(k) == U'か' && at(k + 1) == U'ら') {
        k += 2;
      } else {
        continue;
      }
      while (at(k) == U' ') ++k;
      if (k != high.first) continue;
      const double value = low.number.value;
      low.number.interpretations.push_back(high.percent ? value / 100 : value * high.trailing_big);
    }
  }

  std::string_view m_text;
  std::vector<CodePoint> m_cps;
  std::vector<Found> m_found;
};

}  // namespace

std::vector<FoundNumber> find_numbers(std::string_view text) { return Scanner(text).run(); }

}  // namespace goodput::checkers
