// SPDX-License-Identifier: MIT
#include "goodput/checkers/code_extract.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "check_message.hpp"
#include "goodput/utf8.hpp"

namespace goodput::checkers {

namespace {

constexpr std::string_view k_think_open = "<think>";
constexpr std::string_view k_think_close = "</think>";

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// ---- Python scanning ---------------------------------------------------------------------

enum class TokKind { name, op, string, number };

struct Tok {
  TokKind kind;
  std::string text;
};

struct LogicalLine {
  std::size_t indent = 0;
  std::vector<Tok> toks;
};

bool is_name_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool is_name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

bool is_string_prefix(std::string_view word) {
  if (word.size() > 2) return false;
  return std::all_of(word.begin(), word.end(), [](char c) {
    return std::string_view("rRbBuUfF").find(c) != std::string_view::npos;
  });
}

// Logical lines of Python source: brackets and backslashes join physical lines; strings and
// comments never produce names. Unterminated strings run to the end (cut answers).
std::vector<LogicalLine> tokenize(std::string_view src) {
  std::vector<LogicalLine> lines;
  LogicalLine current;
  int depth = 0;
  bool at_line_start = true;
  std::size_t i = 0;
  const auto finish_line = [&] {
    if (!current.toks.empty()) lines.push_back(std::move(current));
    current = LogicalLine{};
    at_line_start = true;
  };
  const auto read_string = [&](std::size_t quote_pos) {
    const char q = src[quote_pos];
    const bool triple = src.substr(quote_pos, 3) == std::string(3, q);
    std::size_t j = quote_pos + (triple ? 3 : 1);
    while (j < src.size()) {
      if (src[j] == '\\') {
        j += 2;
        continue;
      }
      if (triple) {
        if (src.substr(j, 3) == std::string(3, q)) return j + 3;
      } else if (src[j] == q) {
        return j + 1;
      } else if (src[j] == '\n') {
        return j;  // unterminated single-quoted string: stop at the line end
      }
      ++j;
    }
    return src.size();
  };
  while (i < src.size()) {
    if (at_line_start && depth == 0) {
      std::size_t col = 0;
      while (i < src.size() && (src[i] == ' ' || src[i] == '\t' || src[i] == '\f')) {
        col = src[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
        ++i;
      }
      current.indent = col;
      at_line_start = false;
      continue;
    }
    const char c = src[i];
    const auto uc = static_cast<unsigned char>(c);
    if (c == '\n') {
      ++i;
      if (depth == 0) finish_line();
      continue;
    }
    if (is_space(c) || c == '\f') {
      ++i;
      continue;
    }
    if (c == '#') {
      while (i < src.size() && src[i] != '\n') ++i;
      continue;
    }
    if (c == '\\' && i + 1 < src.size() && (src[i + 1] == '\n' || src[i + 1] == '\r')) {
      i += src[i + 1] == '\r' && i + 2 < src.size() && src[i + 2] == '\n' ? 3 : 2;
      continue;
    }
    if (c == '"' || c == '\'') {
      const std::size_t end = read_string(i);
      current.toks.push_back({TokKind::string, std::string(src.substr(i, end - i))});
      i = end;
      continue;
    }
    if (is_name_start(uc)) {
      std::size_t j = i;
      while (j < src.size() && is_name_char(static_cast<unsigned char>(src[j]))) ++j;
      const std::string_view word = src.substr(i, j - i);
      if (j < src.size() && (src[j] == '"' || src[j] == '\'') && is_string_prefix(word)) {
        const std::size_t end = read_string(j);
        current.toks.push_back({TokKind::string, std::string(src.substr(i, end - i))});
        i = end;
        continue;
      }
      current.toks.push_back({TokKind::name, std::string(word)});
      i = j;
      continue;
    }
    if (std::isdigit(uc)) {
      std::size_t j = i;
      while (j < src.size() && (is_name_char(static_cast<unsigned char>(src[j])) || src[j] == '.')) ++j;
      current.toks.push_back({TokKind::number, std::string(src.substr(i, j - i))});
      i = j;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
    // Two-character operators that matter here: ==, !=, <=, >=, augmented assignment, ->, :=
    static constexpr std::array<std::string_view, 16> k_two = {
        "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "->", ":=", "**", "//"};
    const std::string_view two = src.substr(i, 2);
    if (std::find(k_two.begin(), k_two.end(), two) != k_two.end()) {
      current.toks.push_back({TokKind::op, std::string(two)});
      i += 2;
      continue;
    }
    current.toks.push_back({TokKind::op, std::string(1, c)});
    ++i;
  }
  finish_line();
  return lines;
}

bool is_keyword(std::string_view word) {
  static constexpr std::array<std::string_view, 35> k_keywords = {
      "False", "None",   "True",    "and",      "as",     "assert", "async", "await", "break",
      "class", "continue", "def",   "del",      "elif",   "else",   "except", "finally", "for",
      "from",  "global", "if",      "import",   "in",     "is",     "lambda", "nonlocal", "not",
      "or",    "pass",   "raise",   "return",   "try",    "while",  "with",  "yield"};
  return std::find(k_keywords.begin(), k_keywords.end(), word) != k_keywords.end();
}

bool is_name(const std::vector<Tok>& toks, std::size_t i, std::string_view word) {
  return i < toks.size() && toks[i].kind == TokKind::name && toks[i].text == word;
}
bool is_op(const std::vector<Tok>& toks, std::size_t i, std::string_view op) {
  return i < toks.size() && toks[i].kind == TokKind::op && toks[i].text == op;
}

// `import a.b as c, d` / `from m import x, y as z`: the names bound.
void add_import_names(const std::vector<Tok>& toks, std::set<std::string>& into) {
  std::size_t i = 0;
  if (is_name(toks, 0, "from")) {
    while (i < toks.size() && !is_name(toks, i, "import")) ++i;
  }
  if (!is_name(toks, i, "import")) return;
  ++i;
  const bool plain_import = is_name(toks, 0, "import");
  while (i < toks.size()) {
    if (toks[i].kind != TokKind::name) {
      ++i;
      continue;
    }
    // One item: dotted name, optional `as alias`.
    std::string first = toks[i].text;
    std::size_t j = i + 1;
    while (is_op(toks, j, ".") && j + 1 < toks.size()) j += 2;
    if (is_name(toks, j, "as") && j + 1 < toks.size() && toks[j + 1].kind == TokKind::name) {
      into.insert(toks[j + 1].text);
      j += 2;
    } else {
      into.insert(plain_import ? first : toks[j - 1].text);
    }
    i = j;
  }
}

// Targets of a top-level assignment `a = ...`, `a, b = ...`, `a: int = ...`; empty if the
// line is not one.
std::vector<std::string> assignment_targets(const std::vector<Tok>& toks, std::size_t& rhs) {
  std::vector<std::string> names;
  std::size_t i = 0;
  while (i < toks.size()) {
    if (toks[i].kind == TokKind::name && !is_keyword(toks[i].text)) {
      names.push_back(toks[i].text);
      ++i;
      if (is_op(toks, i, ",")) {
        ++i;
        continue;
      }
      if (is_op(toks, i, "=")) {
        rhs = i + 1;
        return names;
      }
      if (is_op(toks, i, ":")) {  // annotated: a: T = v
        for (std::size_t j = i + 1; j < toks.size(); ++j) {
          if (is_op(toks, j, "=")) {
            rhs = j + 1;
            return names;
          }
        }
        rhs = toks.size();
        return names;
      }
    }
    break;
  }
  return {};
}

bool line_starts_like_statement(const std::vector<Tok>& toks) {
  const Tok& first = toks.front();
  if (first.kind == TokKind::string) return true;
  if (first.kind == TokKind::op) return first.text == "@";
  if (first.kind != TokKind::name) return false;
  static constexpr std::array<std::string_view, 20> k_starts = {
      "import", "from", "def",  "class", "async",  "if",     "elif",   "else",    "for",  "while",
      "try",    "except", "finally", "with", "return", "raise", "pass", "assert", "del", "global"};
  if (std::find(k_starts.begin(), k_starts.end(), first.text) != k_starts.end()) return true;
  if (toks.size() < 2 || toks[1].kind != TokKind::op) return false;
  const char op = toks[1].text.front();
  return std::string_view("=(.[:,+-*/%&|^").find(op) != std::string_view::npos;
}

// ---- Fences --------------------------------------------------------------------------------

struct Line {
  std::string_view text;  // without the line break
  std::size_t number;     // 1-based
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t start = 0, number = 1;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({line, number++});
    if (end == text.size()) break;
    start = end + 1;
  }
  return lines;
}

struct Fence {
  std::size_t indent = 0;
  char ch = 0;
  std::size_t count = 0;
  std::string_view rest;  // after the fence characters
};

bool parse_fence(std::string_view line, Fence& fence) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i >= line.size() || (line[i] != '`' && line[i] != '~')) return false;
  const char ch = line[i];
  std::size_t n = 0;
  while (i + n < line.size() && line[i + n] == ch) ++n;
  if (n < 3) return false;
  fence = {i, ch, n, line.substr(i + n)};
  // A backtick fence's info string has no backticks (``` inline ``` is not a fence).
  return !(ch == '`' && fence.rest.find('`') != std::string_view::npos);
}

std::string info_language(std::string_view rest) {
  std::size_t i = 0;
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t' || rest[i] == '{' || rest[i] == '.')) ++i;
  std::size_t j = i;
  while (j < rest.size() && !std::isspace(static_cast<unsigned char>(rest[j])) && rest[j] != '}' &&
         rest[j] != ',' && rest[j] != '{')
    ++j;
  return lower(rest.substr(i, j - i));
}

std::string_view strip_indent(std::string_view line, std::size_t indent) {
  std::size_t i = 0;
  while (i < indent && i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return line.substr(i);
}

// ---- Choosing ------------------------------------------------------------------------------

struct Candidate {
  std::size_t index;  // into the fenced blocks
  PythonScan scan;
};

bool defines_name(const PythonScan& scan, std::string_view name) {
  return scan.defined.find(std::string(name)) != scan.defined.end();
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

int preference_score(std::string_view function, const std::vector<std::string>& prefer) {
  int score = 0;
  for (std::size_t i = 0; i < prefer.size(); ++i) {
    if (!prefer[i].empty() && contains_ci(function, prefer[i])) {
      score += static_cast<int>(prefer.size() - i);
    }
  }
  return score;
}

std::string join_list(const std::vector<std::string>& items, std::string_view last_sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? std::string(last_sep) : std::string(", ");
    out += items[i];
  }
  return out;
}

std::string describe_blocks(const std::vector<CodeBlock>& blocks) {
  if (blocks.empty()) return "no fenced code blocks";
  std::vector<std::string> tags;
  std::size_t untagged = 0;
  for (const auto& block : blocks) {
    if (block.language.empty()) {
      ++untagged;
    } else if (std::find(tags.begin(), tags.end(), block.language) == tags.end()) {
      tags.push_back(block.language);
    }
  }
  std::string out = std::to_string(blocks.size()) + " fenced block" + (blocks.size() == 1 ? "" : "s");
  std::vector<std::string> parts;
  if (!tags.empty()) parts.push_back("tagged " + join_list(tags, " and "));
  if (untagged > 0) {
    parts.push_back(std::to_string(untagged) + " untagged with no def, class or import");
  }
  if (!parts.empty()) out += ", " + join_list(parts, "; ");
  return out;
}

// ---- Extracting ----------------------------------------------------------------------------

// The blocks that hold Python: tagged as Python, or untagged with a def, class or import.
std::vector<Candidate> python_candidates(const std::vector<CodeBlock>& blocks) {
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    PythonScan scan = scan_python(blocks[i].code);
    const bool tagged_python = is_python_language(blocks[i].language);
    if (tagged_python || (blocks[i].language.empty() && scan.has_definitions)) {
      candidates.push_back({i, std::move(scan)});
    }
  }
  return candidates;
}

std::string no_python_message(std::string_view answer, std::string_view text,
                              const std::vector<CodeBlock>& blocks) {
  std::string why = "no Python code block found in the answer (";
  if (answer.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    why += "the answer is empty)";
  } else if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    why += "the answer holds only reasoning, in <think> tags)";
  } else {
    why += detail::with_commas(utf8::length(text)) + " characters; " + describe_blocks(blocks);
    if (blocks.empty()) why += ", and the text does not read as bare Python";
    why += ")";
  }
  return why;
}

// No block holds Python: the whole answer when it is bare code, else why nothing was found.
ExtractedCode extract_without_python_blocks(std::string_view answer, const std::string& text,
                                            const std::vector<CodeBlock>& blocks,
                                            const ExtractOptions& options) {
  ExtractedCode out;
  // Rule 5: bare code with no fences at all.
  if (blocks.empty()) {
    const PythonScan scan = scan_python(text);
    if (scan.has_definitions && scan.reads_as_statements) {
      out.found = true;
      out.code = text;
      out.defines_entry = !options.entry.empty() && defines_name(scan, options.entry);
      out.source = "the whole answer (bare code, no fences)";
      return out;
    }
  }
  out.message = no_python_message(answer, text, blocks);
  return out;
}

// The main block (rule 3) and why it was taken; `block` is null while no rule has chosen.
struct Choice {
  const Candidate* block = nullptr;
  std::string why;  // "defines json_to_csv", "the longest"
  bool defines_entry = false;
};

Choice first_defining_entry(const std::vector<Candidate>& candidates, const std::string& entry) {
  for (const auto& c : candidates) {
    if (defines_name(c.scan, entry)) return {&c, "defines " + entry, true};
  }
  return {};
}

// The first block defining the function whose name scores highest against `prefer`.
Choice best_preferred_function(const std::vector<Candidate>& candidates,
                               const std::vector<std::string>& prefer) {
  Choice choice;
  int best = 0;
  for (const auto& c : candidates) {
    for (const auto& f : c.scan.functions) {
      const int score = preference_score(f, prefer);
      if (score > best) {
        best = score;
        choice = {&c, "defines " + f};
      }
    }
  }
  return choice;
}

Choice first_defining_a_function(const std::vector<Candidate>& candidates) {
  for (const auto& c : candidates) {
    if (!c.scan.functions.empty()) return {&c, "defines " + c.scan.functions.front()};
  }
  return {};
}

Choice longest_block(const std::vector<Candidate>& candidates, const std::vector<CodeBlock>& blocks) {
  const Candidate* longest = nullptr;
  for (const auto& c : candidates) {
    if (longest == nullptr || blocks[c.index].code.size() > blocks[longest->index].code.size()) {
      longest = &c;
    }
  }
  return {longest, "the longest"};
}

// Rule 3: the main block. `candidates` is not empty.
Choice choose_main_block(const std::vector<Candidate>& candidates,
                         const std::vector<CodeBlock>& blocks, const ExtractOptions& options) {
  if (!options.entry.empty()) {
    if (Choice choice = first_defining_entry(candidates, options.entry); choice.block) return choice;
  }
  if (!options.prefer.empty()) {
    if (Choice choice = best_preferred_function(candidates, options.prefer); choice.block) return choice;
  }
  if (Choice choice = first_defining_a_function(candidates); choice.block) return choice;
  return longest_block(candidates, blocks);
}

// Adds to `needed` the names `scan` reads that nothing in `defined` binds.
void add_needs(const PythonScan& scan, const std::set<std::string>& defined,
               std::set<std::string>& needed) {
  for (const auto& name : scan.used) {
    if (defined.find(name) == defined.end()) needed.insert(name);
  }
}

// Whether `c` is a definition-only block that supplies a name the joined code still needs.
bool joinable(const Candidate& c, const Candidate& chosen, const std::set<std::string>& needed,
              const ExtractOptions& options) {
  if (!c.scan.definitions_only) return false;
  if (!options.entry.empty() && defines_name(c.scan, options.entry)) return false;
  // Never join a second definition of the chosen block's own functions (another version).
  const bool clashes = std::any_of(chosen.scan.functions.begin(), chosen.scan.functions.end(),
                                   [&](const std::string& f) { return defines_name(c.scan, f); });
  if (clashes) return false;
  return std::any_of(c.scan.defined.begin(), c.scan.defined.end(),
                     [&](const std::string& name) { return needed.count(name) > 0; });
}

// Rule 4: the chosen block and the definition-only blocks that supply names it needs, in
// answer order.
std::vector<const Candidate*> join_blocks_it_needs(const Candidate& chosen,
                                                   const std::vector<Candidate>& candidates,
                                                   const ExtractOptions& options) {
  std::vector<const Candidate*> used{&chosen};
  std::set<std::string> defined = chosen.scan.defined;
  std::set<std::string> needed;
  add_needs(chosen.scan, defined, needed);
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& c : candidates) {
      if (std::find(used.begin(), used.end(), &c) != used.end()) continue;
      if (!joinable(c, chosen, needed, options)) continue;
      used.push_back(&c);
      for (const auto& name : c.scan.defined) {
        defined.insert(name);
        needed.erase(name);
      }
      add_needs(c.scan, defined, needed);
      grew = true;
    }
  }
  std::sort(used.begin(), used.end(),
            [](const Candidate* a, const Candidate* b) { return a->index < b->index; });
  return used;
}

// "block 2 of 3 (python), defines f" or "blocks 1+2 of 2 joined (block 2 defines f; ...)".
std::string describe_source(const std::vector<std::string>& numbers, const Choice& main,
                            const std::vector<CodeBlock>& blocks) {
  const CodeBlock& main_block = blocks[main.block->index];
  const std::string language = main_block.language.empty() ? "untagged" : main_block.language;
  if (numbers.size() == 1) {
    return "block " + numbers.front() + " of " + std::to_string(blocks.size()) + " (" + language +
           "), " + main.why;
  }
  std::string joined;
  for (std::size_t i = 0; i < numbers.size(); ++i) joined += (i ? "+" : "") + numbers[i];
  return "blocks " + joined + " of " + std::to_string(blocks.size()) + " joined (block " +
         std::to_string(main.block->index + 1) + " " + main.why +
         "; the others define names it uses)";
}

ExtractedCode code_from_blocks(const std::vector<const Candidate*>& used, const Choice& main,
                               const std::vector<CodeBlock>& blocks) {
  ExtractedCode out;
  out.found = true;
  out.defines_entry = main.defines_entry;
  std::vector<std::string> numbers;
  for (const Candidate* c : used) {
    const CodeBlock& block = blocks[c->index];
    if (!out.code.empty()) out.code += "\n";
    out.code += block.code;
    out.blocks.push_back(c->index);
    out.cut = out.cut || !block.closed;
    numbers.push_back(std::to_string(c->index + 1));
  }
  out.source = describe_source(numbers, main, blocks);
  if (out.cut) out.source += "; the answer ends inside the code block (cut off?)";
  return out;
}

}  // namespace

std::string strip_reasoning(std::string_view answer) {
  std::string text(answer);
  // A lone </think> with no opening tag before it: the server dropped the opening tag.
  const std::size_t first_close = text.find(k_think_close);
  const std::size_t first_open = text.find(k_think_open);
  if (first_close != std::string::npos && (first_open == std::string::npos || first_open > first_close)) {
    text.erase(0, first_close + k_think_close.size());
  }
  for (;;) {
    const std::size_t open = text.find(k_think_open);
    if (open == std::string::npos) break;
    const std::size_t close = text.find(k_think_close, open);
    if (close == std::string::npos) {
      text.erase(open);
      break;
    }
    text.erase(open, close + k_think_close.size() - open);
  }
  return text;
}

std::vector<CodeBlock> find_code_blocks(std::string_view text) {
  std::vector<CodeBlock> blocks;
  const std::vector<Line> lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Fence open;
    if (!parse_fence(lines[i].text, open)) continue;
    CodeBlock block;
    block.language = info_language(open.rest);
    block.line = lines[i].number;
    block.closed = false;
    std::size_t j = i + 1;
    for (; j < lines.size(); ++j) {
      Fence close;
      if (parse_fence(lines[j].text, close) && close.ch == open.ch && close.count >= open.count &&
          std::all_of(close.rest.begin(), close.rest.end(),
                      [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
        block.closed = true;
        break;
      }
      block.code += strip_indent(lines[j].text, open.indent);
      block.code += '\n';
    }
    blocks.push_back(std::move(block));
    i = j;
  }
  return blocks;
}

bool is_python_language(std::string_view language) {
  const std::string lang = lower(language);
  static constexpr std::array<std::string_view, 6> k_python = {"python", "py",      "python3",
                                                               "py3",    "ipython", "ipython3"};
  if (std::find(k_python.begin(), k_python.end(), lang) != k_python.end()) return true;
  return lang.size() > 3 && lang.compare(lang.size() - 3, 3, ".py") == 0;
}

PythonScan scan_python(std::string_view code) {
  PythonScan scan;
  const std::vector<LogicalLine> lines = tokenize(code);
  for (const LogicalLine& line : lines) {
    const auto& toks = line.toks;
    // Names read anywhere: not after '.', not keywords, not keyword-argument names.
    for (std::size_t i = 0; i < toks.size(); ++i) {
      if (toks[i].kind != TokKind::name || is_keyword(toks[i].text)) continue;
      if (i > 0 && is_op(toks, i - 1, ".")) continue;
      scan.used.insert(toks[i].text);
    }
    const bool starts_def = is_name(toks, 0, "def") || is_name(toks, 0, "class") ||
                            (is_name(toks, 0, "async") && is_name(toks, 1, "def"));
    const bool starts_import = is_name(toks, 0, "import") || is_name(toks, 0, "from");
    if (starts_def || starts_import || is_op(toks, 0, "@")) scan.has_definitions = true;
    if (line.indent != 0) continue;

    if (!line_starts_like_statement(toks)) scan.reads_as_statements = false;
    if (starts_def) {
      const std::size_t name_at = is_name(toks, 0, "async") ? 2 : 1;
      if (name_at < toks.size() && toks[name_at].kind == TokKind::name) {
        scan.defined.insert(toks[name_at].text);
        if (!is_name(toks, 0, "class")) scan.functions.push_back(toks[name_at].text);
      }
      continue;
    }
    if (starts_import) {
      add_import_names(toks, scan.defined);
      continue;
    }
    if (is_op(toks, 0, "@") || toks.front().kind == TokKind::string || is_name(toks, 0, "pass")) continue;
    // try/except/else/finally at the top level: import guards (`try: import orjson`).
    if (is_name(toks, 0, "try") || is_name(toks, 0, "except") || is_name(toks, 0, "finally") ||
        is_name(toks, 0, "else")) {
      continue;
    }
    // The main guard does nothing on import.
    if (is_name(toks, 0, "if") && std::any_of(toks.begin(), toks.end(), [](const Tok& t) {
          return t.kind == TokKind::name && t.text == "__name__";
        })) {
      continue;
    }
    std::size_t rhs = 0;
    const std::vector<std::string> targets = assignment_targets(toks, rhs);
    if (!targets.empty()) {
      for (const auto& name : targets) scan.defined.insert(name);
      // A constant is fine; a call (json.load(open(...))) does work on import.
      for (std::size_t i = rhs; i + 1 < toks.size(); ++i) {
        if (toks[i].kind == TokKind::name && !is_keyword(toks[i].text) && is_op(toks, i + 1, "(")) {
          scan.definitions_only = false;
          break;
        }
      }
      continue;
    }
    scan.definitions_only = false;
  }
  return scan;
}

ExtractedCode extract_python(std::string_view answer, const ExtractOptions& options) {
  const std::string text = strip_reasoning(answer);
  const std::vector<CodeBlock> blocks = find_code_blocks(text);
  const std::vector<Candidate> candidates = python_candidates(blocks);
  if (candidates.empty()) return extract_without_python_blocks(answer, text, blocks, options);
  const Choice main = choose_main_block(candidates, blocks, options);
  const std::vector<const Candidate*> used = join_blocks_it_needs(*main.block, candidates, options);
  return code_from_blocks(used, main, blocks);
}

}  // namespace goodput::checkers
