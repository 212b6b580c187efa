//===- EscapeTest.cpp - Untrusted text in one-line messages ---------------===//
#include "d1/Support/Escape.h"

#include <gtest/gtest.h>

using namespace d1;

namespace {

TEST(Escape, PrintableAsciiIsKept) {
  EXPECT_EQ(escape("conv1/Conv_0 (x) 'y'"), "conv1/Conv_0 (x) 'y'");
  EXPECT_EQ(escape(""), "");
}

TEST(Escape, ControlAndNonAsciiBytes) {
  EXPECT_EQ(escape(std::string("a\nb\tc\\d\0e", 9)), "a\\nb\\tc\\\\d\\0e");
  EXPECT_EQ(escape("\x1b[31m\x7f"), "\\x1b[31m\\x7f");
  EXPECT_EQ(escape("\xc3\xa9"), "\\xc3\\xa9"); // UTF-8 'e' with an acute accent
}

TEST(Escape, LongTextIsCut) {
  std::string Long(1000, 'n');
  EXPECT_EQ(escape(Long), std::string(200, 'n') + "...");
  EXPECT_EQ(escape(Long, 3), "nnn...");
  EXPECT_EQ(escape("nnn", 3), "nnn");
  // The limit counts input bytes, before escaping.
  EXPECT_EQ(escape("\n\n\n\n", 2), "\\n\\n...");
}

TEST(Escape, ControlOnly) {
  EXPECT_EQ(escapeControl("a\\b\nc"), "a\\b\\nc");
  std::string Once = escape(std::string("x\0\n\\", 4));
  EXPECT_EQ(escapeControl(Once), Once);
  EXPECT_EQ(escapeControl(std::string(300, 'x')), std::string(300, 'x'));
}

} // namespace
