// SPDX-License-Identifier: MIT
// Finding the code in a model's answer: the Python a code checker should run, out of an
// answer that mixes prose, several fenced blocks (code, sample JSON, shell commands, output)
// and sometimes reasoning left in the text.
//
//   goodput::checkers::ExtractOptions options;
//   options.entry = "json_to_csv";             // or leave empty and rank by name fragments
//   auto code = goodput::checkers::extract_python(completion.answer, options);
//   if (!code.found) return {Outcome::fail, code.message};   // "no Python code block found ..."
//   run(code.code);                                          // code.source says which blocks
//
// The rules, in order:
// 1. Reasoning is not the answer: every <think>…</think> is removed, an unclosed <think> drops
//    the rest of the text, and text before a lone </think> (a server that strips the opening
//    tag) is dropped.
// 2. Fenced blocks are ``` or ~~~ fences of three or more, at any indentation, closed by the
//    same character at least as many times; a block left open at the end of the answer (cut
//    by the token limit) still counts and is flagged. The language is the first word of the
//    info string: python, py, python3, py3, ipython and names ending in ".py" are Python; a
//    block with no language is Python when it holds a def, class or import statement; every
//    other language (json, csv, bash, sh, text, output...) is never taken as code.
// 3. The block used is the first that defines the entry point (`def entry(` or `entry =` at
//    the top level); with no entry given, the first defining the function whose name best
//    matches `prefer` (in order of weight), else the first defining any function,
//    else the longest Python block.
// 4. Other Python blocks are joined to it when they belong together: a block that only
//    defines things (imports, functions, classes, constants; no top-level code that would run
//    on import) and binds a name the chosen code uses without defining it, e.g. the imports
//    shown in one block and the function in the next. Joined blocks keep their order in the
//    answer; a block that defines the entry point again is never joined.
// 5. With no fences at all, the whole answer is used when it reads as bare Python: it holds
//    a def, class or import statement and every unindented line starts like a statement.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace goodput::checkers {

struct CodeBlock {
  std::string language;  // first word of the info string, lowercased; empty when untagged
  std::string code;      // the lines between the fences, the fence's indentation removed
  std::size_t line = 0;  // 1-based line of the opening fence, in the reasoning-free answer
  bool closed = true;    // false: the answer ended inside the block
};

// The answer without reasoning (rule 1).
std::string strip_reasoning(std::string_view answer);

// Every fenced block of `text`, in order (rule 2; no classification).
std::vector<CodeBlock> find_code_blocks(std::string_view text);

// True for python/py/python3/py3/ipython/"*.py" tags.
bool is_python_language(std::string_view language);

// What a light scan of Python source finds. Not a parser: strings and comments are skipped,
// brackets and line continuations joined, and statements classified by their first words.
struct PythonScan {
  std::vector<std::string> functions;  // top-level `def` names, in order
  std::set<std::string> defined;       // every top-level name bound (def, class, import, =)
  std::set<std::string> used;          // names read anywhere (not attributes, not keywords)
  bool has_definitions = false;        // a def, class or import statement somewhere
  bool definitions_only = true;        // no top-level statement that does work on import
  bool reads_as_statements = true;     // every top-level line starts like a Python statement
};
PythonScan scan_python(std::string_view code);

struct ExtractOptions {
  std::string entry;                // function that must be defined; empty when not known
  std::vector<std::string> prefer;  // name fragments, most important first (e.g. csv, json)
};

struct ExtractedCode {
  bool found = false;
  std::string code;                 // what to run: one block, or several joined by blank lines
  std::vector<std::size_t> blocks;  // 0-based indices into the answer's fenced blocks
  bool cut = false;                 // a block used was never closed (answer cut off?)
  bool defines_entry = false;       // the code defines options.entry (always false without one)
  // How the code was chosen, for the verdict: "block 2 of 3 (python), defines json_to_csv",
  // "blocks 1+2 of 2 joined (python)", "the whole answer (bare code, no fences)".
  std::string source;
  // When nothing was found: "no Python code block found in the answer (812 characters; 2
  // fenced blocks, tagged json and bash)".
  std::string message;
};

ExtractedCode extract_python(std::string_view answer, const ExtractOptions& options = {});

}  // namespace goodput::checkers
