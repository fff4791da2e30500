// Untrusted text made safe for a terminal (goodput/terminal_text.hpp): every class of
// control character becomes a visible escape, printable UTF-8 passes through, and a message
// printed with terminal_lines never puts anything at column 0.
#include "goodput/terminal_text.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goodput::detail {
namespace {

using namespace std::string_literals;

TEST(TerminalTextTest, EmptyTextStaysEmpty) {
  EXPECT_EQ(terminal_text(""), "");
  EXPECT_EQ(terminal_lines("", "    "), "");
}

TEST(TerminalTextTest, PrintableAsciiAndBackslashesPassThrough) {
  EXPECT_EQ(terminal_text("Expected: reply contains \"Tokyo\""), "Expected: reply contains \"Tokyo\"");
  EXPECT_EQ(terminal_text(R"(C:\temp\n.txt ~ [a-z]+)"), R"(C:\temp\n.txt ~ [a-z]+)");
}

TEST(TerminalTextTest, JapaneseAndOtherPrintableUtf8PassThroughUnchanged) {
  const std::string text = "東京は日本の首都です。１０万 — ∞ ✅ é 😀";
  EXPECT_EQ(terminal_text(text), text);
  EXPECT_EQ(terminal_lines(text, "  "), text);
}

TEST(TerminalTextTest, NewlineCarriageReturnAndTabBecomeBackslashLetters) {
  EXPECT_EQ(terminal_text("a\nb"), "a\\nb");
  EXPECT_EQ(terminal_text("a\r\nb"), "a\\r\\nb");
  EXPECT_EQ(terminal_text("a\tb"), "a\\tb");
}

TEST(TerminalTextTest, EscAndTheOtherC0ControlsAndDelBecomeHexEscapes) {
  EXPECT_EQ(terminal_text("\x1b[8mhidden\x1b[0m"), "\\x1b[8mhidden\\x1b[0m");
  EXPECT_EQ(terminal_text("\x1b]0;title\x07"), "\\x1b]0;title\\x07");
  EXPECT_EQ(terminal_text("a\0b"s), "a\\x00b");
  EXPECT_EQ(terminal_text("\x08\x0b\x0c\x1f"), "\\x08\\x0b\\x0c\\x1f");
  EXPECT_EQ(terminal_text("x\x7fy"), "x\\x7fy");
  for (int c = 0; c < 0x20; ++c) {
    const std::string escaped = terminal_text(std::string(1, static_cast<char>(c)));
    EXPECT_EQ(escaped.front(), '\\') << c;
    EXPECT_EQ(escaped.find_first_of(std::string("\0\x1b\n\r\t"s)), std::string::npos) << c;
  }
}

TEST(TerminalTextTest, C1ControlsBecomeUnicodeEscapes) {
  EXPECT_EQ(terminal_text("\xc2\x80"), "\\u0080");
  EXPECT_EQ(terminal_text("a\xc2\x85" "b"), "a\\u0085b");            // NEL, a line break to some terminals
  EXPECT_EQ(terminal_text("\xc2\x9b" "8m"), "\\u009B8m");            // CSI, ESC [ in one character
  EXPECT_EQ(terminal_text("\xc2\x9f"), "\\u009F");
  EXPECT_EQ(terminal_text("\xc2\xa0\xc2\xa9"), "\xc2\xa0\xc2\xa9");  // U+00A0, U+00A9: printable
}

TEST(TerminalTextTest, BidiControlsAndLineSeparatorsBecomeUnicodeEscapes) {
  EXPECT_EQ(terminal_text("abc\u202Efed"), "abc\\u202Efed");
  EXPECT_EQ(terminal_text("\u202A\u202B\u202C\u202D"), "\\u202A\\u202B\\u202C\\u202D");
  EXPECT_EQ(terminal_text("\u2066\u2067\u2068\u2069"), "\\u2066\\u2067\\u2068\\u2069");
  EXPECT_EQ(terminal_text("\u200E\u200F\u061C"), "\\u200E\\u200F\\u061C");
  EXPECT_EQ(terminal_text("a\u2028b\u2029c"), "a\\u2028b\\u2029c");
  EXPECT_EQ(terminal_text("\u2027\u202F\u2065"), "\u2027\u202F\u2065");  // neighbours are kept
}

TEST(TerminalTextTest, InvalidUtf8BytesBecomeHexEscapesOneByOne) {
  EXPECT_EQ(terminal_text("a\xff" "b"), "a\\xffb");
  EXPECT_EQ(terminal_text("\xe6\x9d"), "\\xe6\\x9d");          // cut short
  EXPECT_EQ(terminal_text("\xc0\x8a"), "\\xc0\\x8a");          // an overlong newline
  EXPECT_EQ(terminal_text("\xc0\x9b"), "\\xc0\\x9b");          // an overlong ESC
  EXPECT_EQ(terminal_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(terminal_text("\x80"), "\\x80");                    // a lone continuation byte
  EXPECT_EQ(terminal_text("\xef\xbf\xbd"), "\xef\xbf\xbd");     // a real U+FFFD is printable
}

TEST(TerminalLinesTest, KeepsLineBreaksAndIndentsEveryLineAfterTheFirst) {
  EXPECT_EQ(terminal_lines("file.cpp:42: Failure\nExpected: reply contains \"Tokyo\"\n  Actual: 'Kyoto.'", "    "),
            "file.cpp:42: Failure\n    Expected: reply contains \"Tokyo\"\n      Actual: 'Kyoto.'");
  EXPECT_EQ(terminal_lines("one line", "    "), "one line");
}

TEST(TerminalLinesTest, AForgedStatusLineNeverStartsAtColumnZeroAndEscStaysEscaped) {
  const std::string out = terminal_lines("wrong\n[       OK ] fake\n[  PASSED  ] 1 runs\x1b[8m", "    ");
  EXPECT_EQ(out, "wrong\n    [       OK ] fake\n    [  PASSED  ] 1 runs\\x1b[8m");
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
}

TEST(TerminalLinesTest, OtherLineBreakingCharactersStayEscaped) {
  EXPECT_EQ(terminal_lines("a\r[  PASSED  ]\u2028b\xc2\x85" "c\x0b\x0c", "  "), "a\\r[  PASSED  ]\\u2028b\\u0085c\\x0b\\x0c");
}

TEST(TerminalLinesTest, EmptyLinesStayEmptyAndTrailingLineBreaksAreDropped) {
  EXPECT_EQ(terminal_lines("a\n\nb\n\n", "  "), "a\n\n  b");
  EXPECT_EQ(terminal_lines("\n[  PASSED  ] fake", "  "), "\n  [  PASSED  ] fake");
  EXPECT_EQ(terminal_lines("\n\n", "  "), "");
}

TEST(TerminalLinesTest, AnEmptyIndentEscapesTheLineBreaksToo) {
  EXPECT_EQ(terminal_lines("a\n[  PASSED  ] fake", ""), "a\\n[  PASSED  ] fake");
}

}  // namespace
}  // namespace goodput::detail
