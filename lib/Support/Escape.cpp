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

/// The length of the valid UTF-8 sequence at the start of S, or 0.
static size_t utf8Sequence(std::string_view S) {
  auto B = [&](size_t I) { return static_cast<unsigned char>(S[I]); };
  unsigned char C = B(0);
  if (C < 0x80)
    return 1;
  size_t N = C >= 0xc2 && C <= 0xdf   ? 2
             : C >= 0xe0 && C <= 0xef ? 3
             : C >= 0xf0 && C <= 0xf4 ? 4
                                      : 0;
  if (N == 0 || S.size() < N)
    return 0;
  for (size_t I = 1; I < N; ++I)
    if ((B(I) & 0xc0) != 0x80)
      return 0;
  // No overlong three- or four-byte forms, surrogates or values past U+10FFFF.
  if ((C == 0xe0 && B(1) < 0xa0) || (C == 0xed && B(1) > 0x9f) || (C == 0xf0 && B(1) < 0x90) ||
      (C == 0xf4 && B(1) > 0x8f))
    return 0;
  return N;
}

std::string d1::validUtf8(std::string_view Text) {
  std::string Out;
  Out.reserve(Text.size());
  for (size_t I = 0; I < Text.size();) {
    size_t N = utf8Sequence(Text.substr(I));
    if (N) {
      Out.append(Text.substr(I, N));
      I += N;
    } else {
      static const char Hex[] = "0123456789abcdef";
      unsigned char C = static_cast<unsigned char>(Text[I++]);
      Out += "\\x";
      Out += Hex[C >> 4];
      Out += Hex[C & 15];
    }
  }
  return Out;
}
