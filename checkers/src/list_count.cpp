// SPDX-License-Identifier: MIT
// `list-count`: the answer holds a list of the right size. The enumerations people write are
// all lists (README "list-count"), each numbered 1..N in order where it carries numbers:
//   numbered lines  "1." "1)" "1、" "(1)" "（1）" "１．", after an optional bullet or bold marker
//   circled numbers "①" .. "㊿", "❶" .. "❿" at the start of a line
//   bullets         "- " "* " "+ " "・" "•" "●" "○" "■" "◆" at the start of a line
//   inline          "1) … 2) … 3) …", "(1) … (2) …" or "①…②…③" within one line (two or more)
//   ordinals        第一に/第二に…, 一つ目/二つ目… (also 1つ目, ひとつ目) anywhere in the text
//   a sequence      まず … 次に … 最後に at the start of sentences, counted only once closed
//                   by 最後に (a "まず…次に" walk through a calculation is no enumeration)
// When an answer holds several lists the longest is judged (a restart at 1 starts a new
// list). Headings, fenced code and sub-items indented under the list are not items; "3.5 は…",
// "2025年", a single "1)" in prose and "(2024/1)" are not items either. Numbered headings
// ("## 1. …", "### 対策1：…", "### Measure 2: …") count only with `headings: true`.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "goodput/utf8.hpp"

namespace goodput::checkers::detail {

namespace {

constexpr std::size_t k_max_digits = 6;
constexpr std::size_t k_line_excerpt = 40;
constexpr std::string_view k_ideographic_comma = "、";

// In the order a tie between two lists of one length is decided.
enum class ListKind { numbered, heading, circled, inline_list, dai_ordinal, tsu_ordinal, sequence, bullet };

struct Item {
  std::int64_t number = 0;    // 0 where the kind carries no number
  std::size_t line = 0;       // 1-based
  std::size_t indent = 0;     // columns before the marker
  std::size_t delimiter = 0;  // column of the character after the digits
  std::string_view text;      // the whole line
};

struct FoundList {
  ListKind kind = ListKind::numbered;
  std::string marker;  // a bullet's character; the inline list's first marker
  std::vector<Item> items;
  std::string broken;  // why this run is no list (numbering broken, sequence not closed)
  std::size_t broken_at = 0;  // the item where it broke
  std::size_t count() const { return items.size(); }
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::size_t skip_spaces(std::string_view s, std::size_t p, std::size_t* columns = nullptr) {
  while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) {
    if (columns) *columns += s[p] == '\t' ? 4 : 1;
    ++p;
  }
  return p;
}

constexpr std::array<std::string_view, 11> k_bullet_chars{"・", "•", "●", "○", "◦", "■", "□", "◆", "◇", "▪", "‣"};

// The bullet at s[p] ("- ", "・"), with its length in bytes; empty when none. "---" and
// "* * *" are rules, "**bold**" and "-5" are text.
std::string_view bullet_at(std::string_view s, std::size_t p, std::size_t& length) {
  if (p + 1 < s.size() && (s[p] == '-' || s[p] == '*' || s[p] == '+') && s[p + 1] == ' ') {
    const std::string_view rest = s.substr(p + 2);
    if (rest.find_first_not_of(" *-_") == std::string_view::npos) return {};
    length = 2;
    // A view of a constant, never of `s`: the marker outlives the (folded) line.
    return s[p] == '-' ? "-" : s[p] == '*' ? "*" : "+";
  }
  for (const std::string_view bullet : k_bullet_chars) {
    if (s.substr(p).starts_with(bullet)) {
      length = bullet.size();
      return bullet;
    }
  }
  return {};
}

// ① .. ㊿, ❶ .. ❿, ➀ .. ➓, ⓵ .. ⓾: their number, or 0.
std::int64_t circled_value(char32_t cp) {
  if (cp >= 0x2460 && cp <= 0x2473) return cp - 0x2460 + 1;
  if (cp >= 0x3251 && cp <= 0x325F) return cp - 0x3251 + 21;
  if (cp >= 0x32B1 && cp <= 0x32BF) return cp - 0x32B1 + 36;
  if (cp >= 0x2776 && cp <= 0x277F) return cp - 0x2776 + 1;
  if (cp >= 0x2780 && cp <= 0x2789) return cp - 0x2780 + 1;
  if (cp >= 0x278A && cp <= 0x2793) return cp - 0x278A + 1;
  if (cp >= 0x24F5 && cp <= 0x24FE) return cp - 0x24F5 + 1;
  return 0;
}

// What a line starts with, once indentation, a bullet and bold markers are skipped.
struct LineStart {
  std::size_t indent = 0;        // columns
  std::size_t after_indent = 0;  // bytes
  std::string_view bullet;       // the bullet before the content, if any
  std::size_t content = 0;       // bytes: where the number (or text) starts
};

LineStart line_start(std::string_view s) {
  LineStart start;
  std::size_t p = skip_spaces(s, 0, &start.indent);
  start.after_indent = p;
  std::size_t length = 0;
  start.bullet = bullet_at(s, p, length);
  if (!start.bullet.empty()) p = skip_spaces(s, p + length);
  for (int marks = 0; marks < 3 && p < s.size() && (s[p] == '*' || s[p] == '_'); ++marks) ++p;
  start.content = p;
  return start;
}

// The item number a (folded) line starts with, and its columns; nullopt for any other line.
std::optional<Item> parse_numbered(std::string_view s, const LineStart& start) {
  Item item;
  item.indent = start.indent;
  std::size_t p = start.content;
  const bool parenthesised = p < s.size() && s[p] == '(';
  if (parenthesised) ++p;
  const std::size_t digits_begin = p;
  while (p < s.size() && is_digit(s[p]) && p - digits_begin <= k_max_digits) ++p;
  const std::size_t digits = p - digits_begin;
  if (digits == 0 || digits > k_max_digits) return std::nullopt;
  item.delimiter = start.indent + utf8::length(s.substr(start.after_indent, p - start.after_indent));
  if (p >= s.size()) return std::nullopt;
  const std::string_view rest = s.substr(p);
  if (parenthesised) {
    if (rest[0] != ')') return std::nullopt;
  } else if (rest[0] == '.') {
    if (rest.size() > 1 && is_digit(rest[1])) return std::nullopt;  // a decimal: "3.5"
  } else if (rest[0] != ')' && !rest.starts_with(k_ideographic_comma)) {
    return std::nullopt;
  }
  for (std::size_t d = digits_begin; d < digits_begin + digits; ++d) item.number = item.number * 10 + (s[d] - '0');
  return item;
}

// A heading's number after a short label: "対策1：…", "Measure 2: …", "その3". The label is at
// most a few words without digits; the number ends the heading or is followed by : . ) 、 or
// a space ("2025年の状況" has none of them).
std::optional<Item> parse_labelled_heading(std::string_view s) {
  constexpr std::size_t k_max_label = 16;
  std::size_t p = skip_spaces(s, 0);
  std::size_t label = 0;
  for (std::size_t size = 0; p < s.size() && !is_digit(s[p]) && label <= k_max_label; p += size, ++label) {
    if (const char32_t cp = utf8::decode(s, p, size); cp == U'。' || cp == U'、' || cp == ':') return std::nullopt;
  }
  const std::size_t digits_begin = p;
  while (p < s.size() && is_digit(s[p]) && p - digits_begin < 4) ++p;
  if (p == digits_begin || label > k_max_label || label == 0) return std::nullopt;
  const std::string_view rest = s.substr(p);
  if (!rest.empty() && !(rest[0] == ':' || rest[0] == '.' || rest[0] == ')' || rest[0] == ' ' || rest.starts_with(k_ideographic_comma))) {
    return std::nullopt;
  }
  if (rest.starts_with(".") && rest.size() > 1 && is_digit(rest[1])) return std::nullopt;
  Item item;
  for (std::size_t d = digits_begin; d < p; ++d) item.number = item.number * 10 + (s[d] - '0');
  return item;
}

std::optional<Item> parse_circled(std::string_view s, const LineStart& start) {
  if (start.content >= s.size()) return std::nullopt;
  std::size_t size = 0;
  const std::int64_t value = circled_value(utf8::decode(s, start.content, size));
  if (value == 0) return std::nullopt;
  Item item;
  item.number = value;
  item.indent = start.indent;
  item.delimiter = start.indent + 1;
  return item;
}

// "1) … 2) … 3) …", "(1) … (2) …" or "①…②…③" in one (folded) line: how many items, in order
// from 1, where at least two are; 0 otherwise. A number glued to a letter, digit, '/', '.' or
// '-' ("11)", "2024/1)", "v1)") is no marker. `anchored`: the first item must open the text
// (a line that starts with an item is an inline list only when that item is its first).
std::int64_t inline_count(std::string_view s, bool anchored) {
  std::int64_t paren_next = 1;
  std::int64_t circled_next = 1;
  if (anchored) {
    std::size_t size = 0;
    if (s.empty()) return 0;
    if (circled_value(utf8::decode(s, 0, size)) == 1) paren_next = 0;
    else if (s.starts_with("1)") || s.starts_with("(1)")) circled_next = 0;
    else return 0;
  }
  for (std::size_t p = 0, size = 0; p < s.size(); p += size) {
    const char32_t cp = utf8::decode(s, p, size);
    if (const std::int64_t value = circled_value(cp); value != 0) {
      if (value == circled_next && circled_next != 0) ++circled_next;
      continue;
    }
    if (!is_digit(s[p])) continue;
    const char before = p > 0 ? s[p - 1] : ' ';
    if (is_alnum(before) || before == '/' || before == '.' || before == '-' || before == '_') {
      while (p + size < s.size() && is_digit(s[p + size])) ++size;
      continue;
    }
    std::size_t q = p;
    std::int64_t value = 0;
    while (q < s.size() && is_digit(s[q]) && q - p < 3) value = value * 10 + (s[q++] - '0');
    size = q - p;
    if (q < s.size() && s[q] == ')' && (q + 1 >= s.size() || !is_digit(s[q + 1])) && value == paren_next && paren_next != 0) {
      ++paren_next;
    }
  }
  const std::int64_t found = std::max(paren_next, circled_next) - 1;
  return found >= 2 ? found : 0;
}

constexpr std::array<std::string_view, 9> k_kanji_digits{"一", "二", "三", "四", "五", "六", "七", "八", "九"};

int kanji_digit_at(std::string_view s, std::size_t p) {
  for (std::size_t d = 0; d < k_kanji_digits.size(); ++d) {
    if (s.substr(p).starts_with(k_kanji_digits[d])) return static_cast<int>(d) + 1;
  }
  return 0;
}

// A number of an ordinal at s[p]: ASCII digits (the line is folded) or kanji up to 九十九.
// Advances p past it.
std::optional<std::int64_t> ordinal_number(std::string_view s, std::size_t& p) {
  if (p < s.size() && is_digit(s[p])) {
    std::int64_t value = 0;
    std::size_t q = p;
    while (q < s.size() && is_digit(s[q]) && q - p < 3) value = value * 10 + (s[q++] - '0');
    if (q < s.size() && is_digit(s[q])) return std::nullopt;
    p = q;
    return value;
  }
  constexpr std::string_view k_ten = "十";
  std::size_t q = p;
  int tens = 0;
  int ones = kanji_digit_at(s, q);
  if (ones != 0) q += 3;
  if (s.substr(q).starts_with(k_ten)) {
    tens = ones == 0 ? 1 : ones;
    q += k_ten.size();
    ones = kanji_digit_at(s, q);
    if (ones != 0) q += 3;
  }
  if (q == p) return std::nullopt;
  p = q;
  return tens * 10 + ones;
}

constexpr std::pair<std::string_view, std::int64_t> k_native_counts[] = {
    {"ひとつ", 1}, {"ふたつ", 2}, {"みっつ", 3}, {"よっつ", 4},     {"いつつ", 5},
    {"むっつ", 6}, {"ななつ", 7}, {"やっつ", 8}, {"ここのつ", 9}};

// One ordinal phrase found in a line, in text order.
struct Ordinal {
  ListKind kind;
  std::int64_t number;
};

bool is_number_char(std::string_view s, std::size_t p) {
  return is_digit(s[p]) || kanji_digit_at(s, p) != 0 || s.substr(p).starts_with("十");
}

// 第一に, 第2、; 一つ目, 3つめ, ふたつ目.
std::vector<Ordinal> find_ordinals(std::string_view s) {
  std::vector<Ordinal> found;
  bool after_number_char = false;
  for (std::size_t p = 0, size = 0; p < s.size(); p += size) {
    utf8::decode(s, p, size);
    const bool number_here = is_number_char(s, p);
    if (s.substr(p).starts_with("第")) {
      std::size_t q = p + size;
      if (const auto n = ordinal_number(s, q)) {
        const std::string_view rest = s.substr(q);
        if (rest.starts_with("に") || rest.starts_with(k_ideographic_comma) || rest.starts_with(",")) {
          found.push_back({ListKind::dai_ordinal, *n});
          size = q - p;
          after_number_char = false;
          continue;
        }
      }
    } else if (number_here && !after_number_char) {
      std::size_t q = p;
      if (const auto n = ordinal_number(s, q); n && (s.substr(q).starts_with("つ目") || s.substr(q).starts_with("つめ"))) {
        found.push_back({ListKind::tsu_ordinal, *n});
        size = q - p;
        after_number_char = false;
        continue;
      }
    } else {
      for (const auto& [word, n] : k_native_counts) {
        const std::string_view rest = s.substr(p);
        if (rest.starts_with(word) && (rest.substr(word.size()).starts_with("目") || rest.substr(word.size()).starts_with("め"))) {
          found.push_back({ListKind::tsu_ordinal, n});
          break;
        }
      }
    }
    after_number_char = number_here;
  }
  return found;
}

enum class Step { first, next, last };

// まず / 次に / 最後に (and 最初に, 次いで, 続いて) where a sentence starts: at the line's content
// or after 。！？ (one pass: a line of any length costs its length).
std::vector<Step> find_sequence_steps(std::string_view s, std::size_t content) {
  static constexpr std::pair<std::string_view, Step> k_words[] = {
      {"まず", Step::first},  {"最初に", Step::first}, {"次に", Step::next},
      {"次いで", Step::next}, {"続いて", Step::next},  {"最後に", Step::last}};
  constexpr std::string_view k_full_stop = "。";
  std::vector<Step> steps;
  bool sentence_start = true;
  for (std::size_t p = content; p < s.size();) {
    if (sentence_start) {
      p = skip_spaces(s, p);
      for (const auto& [word, step] : k_words) {
        if (s.substr(p).starts_with(word)) {
          steps.push_back(step);
          break;
        }
      }
      sentence_start = false;
    } else if (s.substr(p).starts_with(k_full_stop)) {
      p += k_full_stop.size();
      sentence_start = true;
    } else {
      sentence_start = s[p] == '!' || s[p] == '?';
      ++p;
    }
  }
  return steps;
}

bool is_fence(std::string_view line, char& marker) {
  const std::size_t p = skip_spaces(line, 0);
  const std::string_view rest = line.substr(p);
  if (rest.starts_with("```")) marker = '`';
  else if (rest.starts_with("~~~")) marker = '~';
  else return false;
  return true;
}

// What one pass over the answer found, before the items are grouped into lists.
struct Scan {
  std::vector<Item> numbered;
  std::vector<Item> headings;  // numbered headings
  std::vector<Item> circled;
  std::vector<FoundList> lists;  // inline lists, bullet runs and sequences, already grouped
  std::vector<std::pair<ListKind, Item>> ordinals;
};

// Bullet runs: items of one bullet at one indentation, ended by a heading, a numbered item or
// a line of text no deeper than the bullets.
class BulletRuns {
 public:
  explicit BulletRuns(std::vector<FoundList>& out) : m_out(out) {}
  void item(std::string_view marker, const Item& item) {
    for (FoundList& run : m_open) {
      if (run.marker == marker && run.items.front().indent == item.indent) {
        run.items.push_back(item);
        return;
      }
    }
    m_open.push_back({ListKind::bullet, std::string(marker), {item}, "", 0});
  }
  // A line that is not a bullet item: ends the runs it is not nested in.
  void other(std::size_t indent, bool ends_all) {
    auto ended = std::stable_partition(m_open.begin(), m_open.end(), [&](const FoundList& run) {
      return !ends_all && indent > run.items.front().indent;
    });
    for (auto it = ended; it != m_open.end(); ++it) m_out.push_back(std::move(*it));
    m_open.erase(ended, m_open.end());
  }
  void finish() { other(0, true); }

 private:
  std::vector<FoundList>& m_out;
  std::vector<FoundList> m_open;
};

// Sequences まず … 最後に, across lines.
class SequenceRuns {
 public:
  explicit SequenceRuns(std::vector<FoundList>& out) : m_out(out) {}
  void step(Step step, const Item& at) {
    if (step == Step::first) {
      close("まず … without 最後に");
      m_open = FoundList{ListKind::sequence, "まず", {at}, "", 0};
    } else if (m_open) {
      m_open->items.push_back(at);
      if (step == Step::last) close("");
    }
  }
  void finish() { close("まず … without 最後に"); }

 private:
  void close(const std::string& broken) {
    if (!m_open) return;
    m_open->broken = broken;
    m_out.push_back(std::move(*m_open));
    m_open.reset();
  }
  std::vector<FoundList>& m_out;
  std::optional<FoundList> m_open;
};

Scan scan(std::string_view answer) {
  Scan result;
  std::vector<std::pair<std::string_view, Item>> bullets;  // marker, item, in line order
  BulletRuns bullet_runs(result.lists);
  SequenceRuns sequences(result.lists);
  char fence = 0;
  std::size_t line_number = 0;
  // Bullets are grouped after the numbered items are known (they end bullet runs); the lines
  // in between are remembered as (line, indent, ends_all) events.
  struct Event {
    std::size_t line;
    std::size_t indent;
    bool ends_all;
  };
  std::vector<Event> breaks;
  for (std::size_t begin = 0; begin <= answer.size();) {
    std::size_t end = answer.find('\n', begin);
    if (end == std::string_view::npos) end = answer.size();
    std::string_view line = answer.substr(begin, end - begin);
    begin = end + 1;
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);

    char marker = 0;
    if (is_fence(line, marker)) {
      if (fence == 0) fence = marker;
      else if (fence == marker) fence = 0;
      continue;
    }
    if (fence != 0) continue;
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;

    const std::string folded = utf8::fold_full_width(line);
    const std::string_view s = folded;
    const LineStart start = line_start(s);
    Item at;
    at.line = line_number;
    at.indent = start.indent;
    at.text = line;

    if (start.after_indent < s.size() && s[start.after_indent] == '#') {
      std::size_t q = start.after_indent;
      while (q < s.size() && s[q] == '#') ++q;
      const std::string_view rest = s.substr(q);
      std::optional<Item> item = parse_numbered(rest, line_start(rest));
      if (!item) item = parse_labelled_heading(rest);
      if (item) {
        item->line = line_number;
        item->text = line;
        item->indent = 0;
        result.headings.push_back(*item);
      }
      breaks.push_back({line_number, 0, true});
      continue;
    }
    for (const auto& ordinal : find_ordinals(s)) {
      Item item = at;
      item.number = ordinal.number;
      result.ordinals.emplace_back(ordinal.kind, item);
    }
    for (const Step step : find_sequence_steps(s, start.content)) sequences.step(step, at);

    const std::string_view content = s.substr(start.content);
    const bool starts_with_item = parse_numbered(s, start) || parse_circled(s, start);
    if (const std::int64_t count = inline_count(content, starts_with_item); count != 0) {
      FoundList list{ListKind::inline_list, "", {}, "", 0};
      for (std::int64_t n = 1; n <= count; ++n) {
        Item item = at;
        item.number = n;
        list.items.push_back(item);
      }
      result.lists.push_back(std::move(list));
      breaks.push_back({line_number, start.indent, false});
    } else if (auto item = parse_numbered(s, start)) {
      item->line = line_number;
      item->text = line;
      result.numbered.push_back(*item);
    } else if (auto circled = parse_circled(s, start)) {
      circled->line = line_number;
      circled->text = line;
      result.circled.push_back(*circled);
    } else if (!start.bullet.empty()) {
      at.delimiter = start.indent + 1;
      bullets.emplace_back(start.bullet, at);
    } else {
      breaks.push_back({line_number, start.indent, false});
    }
  }
  sequences.finish();

  // Sub-items sit deeper both where their line starts and where their number ends; numbers
  // that are merely right-aligned ("  9." above " 10.") share the second column.
  std::size_t base_indent = std::string_view::npos;
  for (const auto* items : {&result.numbered, &result.circled}) {
    for (const Item& item : *items) base_indent = std::min(base_indent, item.indent);
  }
  for (const auto& bullet : bullets) base_indent = std::min(base_indent, bullet.second.indent);
  for (auto* items : {&result.numbered, &result.circled}) {
    if (items->empty()) continue;
    std::size_t base_delimiter = items->front().delimiter;
    for (const Item& item : *items) base_delimiter = std::min(base_delimiter, item.delimiter);
    std::erase_if(*items, [&](const Item& item) {
      return item.indent >= base_indent + 2 && item.delimiter >= base_delimiter + 2;
    });
    for (const Item& item : *items) breaks.push_back({item.line, item.indent, true});
  }
  std::erase_if(bullets, [&](const auto& bullet) { return bullet.second.indent >= base_indent + 2; });

  std::sort(breaks.begin(), breaks.end(), [](const Event& a, const Event& b) { return a.line < b.line; });
  auto next_break = breaks.begin();
  for (const auto& [marker, item] : bullets) {
    for (; next_break != breaks.end() && next_break->line < item.line; ++next_break) {
      bullet_runs.other(next_break->indent, next_break->ends_all);
    }
    bullet_runs.item(marker, item);
  }
  bullet_runs.finish();
  return result;
}

struct Break {
  std::string what;
  const Item* at = nullptr;
};

std::optional<Break> first_break(const std::vector<Item>& items) {
  if (items.empty()) return std::nullopt;
  if (items.front().number != 1) {
    return Break{"numbering starts at " + with_commas(items.front().number) + ", not 1", &items.front()};
  }
  for (std::size_t n = 1; n < items.size(); ++n) {
    const std::int64_t previous = items[n - 1].number;
    const std::int64_t number = items[n].number;
    if (number == previous + 1) continue;
    std::string what;
    if (number == previous) what = "duplicate " + with_commas(number);
    else if (number == 1) what = "numbering restarts at 1 after " + with_commas(previous);
    else if (number > previous) what = "numbering jumps from " + with_commas(previous) + " to " + with_commas(number);
    else what = "numbering goes back from " + with_commas(previous) + " to " + with_commas(number);
    return Break{std::move(what), &items[n]};
  }
  return std::nullopt;
}

// Numbered items of one kind, cut into lists where the numbering restarts at 1; a run whose
// numbering is broken inside is kept with the reason, and is no list.
void add_numbered_runs(ListKind kind, const std::vector<Item>& items, std::vector<FoundList>& lists) {
  std::size_t begin = 0;
  for (std::size_t n = 1; n <= items.size(); ++n) {
    if (n < items.size() && items[n].number != 1) continue;
    FoundList list{kind, "", std::vector<Item>(items.begin() + static_cast<std::ptrdiff_t>(begin),
                                                items.begin() + static_cast<std::ptrdiff_t>(n)),
                   "", 0};
    if (const auto broken = first_break(list.items)) {
      list.broken = broken->what;
      list.broken_at = static_cast<std::size_t>(broken->at - list.items.data());
    }
    lists.push_back(std::move(list));
    begin = n;
  }
}

std::string show_line(const Item& item) {
  std::string_view text = item.text;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  return "line " + with_commas(item.line) + ": " + quote(text, k_line_excerpt);
}

std::string circled(std::int64_t n) {
  std::string out;
  if (n >= 1 && n <= 20) utf8::append(out, static_cast<char32_t>(0x2460 + n - 1));
  else if (n >= 21 && n <= 35) utf8::append(out, static_cast<char32_t>(0x3251 + n - 21));
  else if (n >= 36 && n <= 50) utf8::append(out, static_cast<char32_t>(0x32B1 + n - 36));
  else out = "(" + with_commas(n) + ")";
  return out;
}

// "3 circled-number items ①..③ (line 4)".
std::string describe_list(const FoundList& list) {
  const std::string n = with_commas(list.count());
  const std::string lines = list.items.front().line == list.items.back().line
                                ? "line " + with_commas(list.items.front().line)
                                : "lines " + with_commas(list.items.front().line) + "-" + with_commas(list.items.back().line);
  switch (list.kind) {
    case ListKind::numbered: return n + " numbered items, numbered 1.." + n;
    case ListKind::heading: return n + " numbered headings, numbered 1.." + n + " (" + lines + ")";
    case ListKind::circled: return n + " circled-number items, ①.." + circled(static_cast<std::int64_t>(list.count())) + " (" + lines + ")";
    case ListKind::inline_list: return n + " items in one line, 1.." + n + " (" + show_line(list.items.front()) + ")";
    case ListKind::dai_ordinal: return n + " ordinal items, 第1に..第" + n + "に (" + lines + ")";
    case ListKind::tsu_ordinal: return n + " ordinal items, 1つ目.." + n + "つ目 (" + lines + ")";
    case ListKind::sequence: return n + " items, まず .. 最後に (" + lines + ")";
    case ListKind::bullet: return n + " bullet items '" + list.marker + "' (" + lines + ")";
  }
  return n + " items";
}

class ListCountChecker final : public Checker {
 public:
  ListCountChecker(std::optional<std::int64_t> min, std::optional<std::int64_t> max, bool headings)
      : m_min(min), m_max(max), m_headings(headings) {}

  CheckResult check(const Completion& completion) const override {
    Scan found = scan(completion.answer);
    std::vector<FoundList> lists = std::move(found.lists);
    add_numbered_runs(ListKind::numbered, found.numbered, lists);
    add_numbered_runs(ListKind::circled, found.circled, lists);
    if (m_headings) add_numbered_runs(ListKind::heading, found.headings, lists);
    for (const ListKind kind : {ListKind::dai_ordinal, ListKind::tsu_ordinal}) {
      std::vector<Item> items;
      for (const auto& [k, item] : found.ordinals) {
        if (k == kind) items.push_back(item);
      }
      add_numbered_runs(kind, items, lists);
    }

    const FoundList* judged = nullptr;
    for (const FoundList& list : lists) {
      if (!list.broken.empty()) continue;
      if (!judged || list.count() > judged->count() ||
          (list.count() == judged->count() && list.kind < judged->kind)) {
        judged = &list;
      }
    }
    const auto count = static_cast<std::int64_t>(judged ? judged->count() : 0);
    const bool count_ok = (!m_min || count >= *m_min) && (!m_max || count <= *m_max);
    const std::size_t valid_lists = static_cast<std::size_t>(
        std::count_if(lists.begin(), lists.end(), [](const FoundList& list) { return list.broken.empty(); }));
    if (count_ok) {
      if (!judged) return {Outcome::pass, "list-count: no list, as expected"};
      std::string message = "list-count: " + describe_list(*judged);
      if (valid_lists > 1) message += " (the longest of " + with_commas(valid_lists) + " lists)";
      return {Outcome::pass, std::move(message)};
    }

    std::string message = "list-count: ";
    if (!found.numbered.empty() && (!judged || judged->kind == ListKind::numbered)) {
      message += numbered_failure(found.numbered);
    } else if (judged) {
      message += (valid_lists > 1 ? "the longest list has " : "") + describe_list(*judged) + ", expected " + bounds();
    } else if (!lists.empty()) {
      const FoundList& first = lists.front();
      message += "no list of " + bounds() + " items: " + first.broken + " (" + show_line(first.items[first.broken_at]) + ")";
    } else {
      message += "no list found, expected " + bounds() + " items";
      if (!found.headings.empty()) {
        message += " (" + with_commas(found.headings.size()) +
                   " numbered headings such as '## 1. …' are not list items without headings: true)";
      }
    }
    if (completion.stop_reason == StopReason::length) {
      message += "; the answer was cut by the token limit (stop reason 'length')";
    }
    return {Outcome::fail, std::move(message)};
  }

  std::string describe() const override {
    if (m_min && m_max && *m_min == *m_max) return "a list of " + with_commas(*m_min) + " items, numbered 1.." + with_commas(*m_min) + " where numbered";
    return "a list of " + bounds() + " items, numbered from 1 without gaps where numbered";
  }

 private:
  // Every top-level numbered item taken as one list: how many, and the first break.
  std::string numbered_failure(const std::vector<Item>& items) const {
    const auto count = static_cast<std::int64_t>(items.size());
    const bool count_ok = (!m_min || count >= *m_min) && (!m_max || count <= *m_max);
    const auto broken = first_break(items);
    std::string message = with_commas(count) + " numbered items";
    if (!count_ok) message += ", expected " + bounds();
    if (broken) {
      message += (count_ok ? ", but " : "; ") + broken->what + " (" + show_line(*broken->at) + ")";
    } else {
      message += " (numbered 1.." + with_commas(count) + "; the last is " + show_line(items.back()) + ")";
    }
    return message;
  }

  std::string bounds() const {
    if (m_min && m_max) {
      return *m_min == *m_max ? with_commas(*m_min)
                              : "between " + with_commas(*m_min) + " and " + with_commas(*m_max);
    }
    return m_min ? "at least " + with_commas(*m_min) : "at most " + with_commas(*m_max);
  }

  std::optional<std::int64_t> m_min;
  std::optional<std::int64_t> m_max;
  bool m_headings;
};

void require_non_negative(const char* field, std::optional<std::int64_t> value) {
  if (value && *value < 0) {
    throw ParamError(field, std::string("list-count: '") + field + "' is " + with_commas(*value) +
                                "; it cannot be negative");
  }
}

}  // namespace

CheckerType list_count_type() {
  return {"list-count",
          "the answer holds a list of N items: numbered lines, ①②③, bullets, inline 1) 2) 3), 第一に/一つ目 or "
          "まず…次に…最後に, numbered 1..N where numbered; the longest list is judged (code blocks ignored)",
          {{"count", ParamType::integer, false, "exact number of items"},
           {"min", ParamType::integer, false, "fewest items allowed"},
           {"max", ParamType::integer, false, "most items allowed"},
           {"headings", ParamType::boolean, false, "numbered headings ('## 1. …') count as items (default false)"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            const auto count = params.optional_integer("count");
            auto min = params.optional_integer("min");
            auto max = params.optional_integer("max");
            require_non_negative("count", count);
            require_non_negative("min", min);
            require_non_negative("max", max);
            if (count && (min || max)) {
              throw ParamError("count", "list-count: give 'count', or 'min' and/or 'max', not both");
            }
            if (!count && !min && !max) {
              throw ParamError("count", "list-count: give 'count', 'min' or 'max'");
            }
            if (min && max && *min > *max) {
              throw ParamError("max", "list-count: 'max' (" + with_commas(*max) + ") is less than 'min' (" +
                                          with_commas(*min) + ")");
            }
            if (count) min = max = count;
            return std::make_unique<ListCountChecker>(min, max, params.boolean("headings", false));
          },
          /*negatable=*/true};
}

}  // namespace goodput::checkers::detail
