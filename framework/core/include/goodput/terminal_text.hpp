// SPDX-License-Identifier: MIT
// Text goodput did not write itself, made safe to print on a terminal. Internal to the
// framework: the console reporter and the commands that print to stdout and stderr use it for
// anything that came from a model, from generated code, from a server or from a file (task
// and models files, and results files, which anyone can edit).
//
//   out << "[ RUN      ] " << detail::terminal_text(model.name) << "\n";
//   out << "    " << detail::terminal_lines(check.message, "    ") << "\n";
//   std::cerr << "goodput: " << detail::terminal_text(e.what()) << "\n";  // errors: one line
//
// Why: a terminal obeys the bytes it is sent. A raw newline in a model's answer lets it print
// a line of its own at column 0 ("[       OK ] ..." or "[  PASSED  ] ..." that goodput never
// wrote); ESC starts escape sequences that hide or recolour the rest of the log (ESC[8m) or
// set the window title; C1 controls are 8-bit escapes to some terminals; bidi overrides
// reorder what a person reads; U+2028/U+2029 are line breaks to some viewers. The JSON
// journal, results.json and JUnit XML keep the exact text, so nothing is lost by showing
// these characters as escapes here.
#pragma once

#include <string>
#include <string_view>

namespace goodput::detail {

// `text` for one terminal line. Valid printable UTF-8 (Japanese included) is kept as it is;
// these are written as escapes instead:
//   newline, carriage return, tab       \n \r \t
//   other C0 controls and DEL           \x1b (ESC), \x00, \x7f, ...
//   C1 controls U+0080..U+009F          \u0085
//   bidi embeddings, overrides,         \u202E, \u2066, ... (U+202A..U+202E, U+2066..U+2069,
//   isolates and marks                  U+200E, U+200F, U+061C)
//   line and paragraph separators       \u2028 \u2029
//   bytes that are not UTF-8            \xff (one escape per byte)
// A tab is escaped too: its width depends on the terminal, and a tab that looks like spaces
// would hide the very difference an `equals` failure is about. A backslash is left alone, so
// Windows paths and regexes stay readable; an escape is therefore not always distinguishable
// from the same characters typed literally, but the output never holds a control character.
std::string terminal_text(std::string_view text);

// A message that may span lines (GoogleTest-shaped "file:42: Failure\nExpected: ..." messages,
// tracebacks, notes), for printing after `indent` on the current line: every line is escaped
// as terminal_text, the line breaks (\n) are kept, and each line after a break starts with
// `indent` too (empty lines stay empty, and line breaks at the very end are dropped, so the
// caller ends the line as usual). goodput's own line breaks in a message cannot be told apart
// from a model's, so the guarantee is about columns: nothing from a message ever starts at
// column 0, where goodput's status lines are. With an empty `indent` that could not hold, so
// the line breaks are escaped as well (the result is terminal_text(text)).
std::string terminal_lines(std::string_view text, std::string_view indent);

}  // namespace goodput::detail
