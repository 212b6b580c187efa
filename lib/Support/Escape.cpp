//===- Escape.cpp - Untrusted text in one-line messages -------------------===//
#include "d1/Support/Escape.h"

using namespace d1;

static void escapeByte(std::string &Out, unsigned char C, bool Backslash) {
  static const char Hex[] = "0123456789abcdef";
  if (C == '\\' && Backslash) {
    Out += "\\\\";
  } else if (C >= 0x20 && C < 0x7f) {
    Out += char(C);
  } else if (C == '\n') {
    Out += "\\n";
  } else if (C == '\t') {
    Out += "\\t";
  } else if (C == 0) {
    Out += "\\0";
  } else {
    Out += "\\x";
    Out += Hex[C >> 4];
    Out += Hex[C & 15];
  }
}

std::string d1::escape(std::string_view Text, size_t MaxLen) {
  std::string Out;
  size_t N = Text.size() > MaxLen ? MaxLen : Text.size();
  Out.reserve(N + 3);
  for (size_t I = 0; I < N; ++I)
    escapeByte(Out, static_cast<unsigned char>(Text[I]), true);
  if (N < Text.size())
    Out += "...";
  return Out;
}

std::string d1::escapeControl(std::string_view Text) {
  std::string Out;
  Out.reserve(Text.size());
  for (char C : Text)
    escapeByte(Out, static_cast<unsigned char>(C), false);
  return Out;
}
