//===- AssemblerTest.cpp - Diagnostics and the binary round trip ----------===//
#include "d1/Asm/Assembler.h"

#include <gtest/gtest.h>

using namespace d1;

namespace {

std::string firstError(const std::string &Src) {
  D1XWriter W;
  std::vector<AsmDiagnostic> Diags;
  if (assemble(Src, "p.s", MachineDesc(), W, Diags))
    return "";
  return Diags.empty() ? "no diagnostic" : Diags[0].str();
}

TEST(Assembler, LocatedErrors) {
  EXPECT_EQ(firstError("  frob x1, x2\n"), "p.s:1:3: error: unknown instruction 'frob'");
  EXPECT_EQ(firstError("halt\n  add x1, x2\n"), "p.s:2:13: error: expected ','");
  EXPECT_EQ(firstError("  add x1, x2, v3\n"), "p.s:1:15: error: expected scalar register x0-x31 "
                                              "(x0 reads 0, writes are discarded), got 'v3'");
  EXPECT_EQ(firstError("  slli x1, x2, 64\n"),
            "p.s:1:16: error: 64 is out of range for shift amount 0-63 (0 to 63)");
  EXPECT_EQ(firstError("  j nowhere\n"), "p.s:1:5: error: undefined symbol 'nowhere'");
  EXPECT_EQ(firstError("a: halt\na: halt\n"), "p.s:2:1: error: symbol 'a' is already defined");
  EXPECT_EQ(firstError(".bogus\n"), "p.s:1:1: error: unknown directive '.bogus'");
  EXPECT_EQ(firstError(".data\n.byte 300\n"), "p.s:2:7: error: 300 does not fit in .byte");
  EXPECT_EQ(firstError(".core 999\n"), "p.s:1:7: error: core 999 is outside the 360-core mesh");
  EXPECT_EQ(firstError(".data\n.byte 1\n"),
            "p.s:1:1: error: no code: the program needs at least one instruction");
  EXPECT_EQ(firstError("  li x1, 1.5\n"), "p.s:1:10: error: a float here needs %f32(...)");
  // A branch target so far away that its offset overflows (found by fuzz-asm).
  EXPECT_EQ(firstError("  nop\n  j -9223372036854775807 - 1\n"),
            "p.s:2:5: error: branch target is out of range");
  EXPECT_EQ(firstError("  vldg v1, x1, x2, 12\n"), "p.s:1:20: error: 12 is out of range for gather "
                                                   "chunk size in bytes: 4, 8, 16 or 32 (4 to 32)");
}

TEST(Assembler, DataAndSymbols) {
  D1XWriter W;
  std::vector<AsmDiagnostic> Diags;
  const char *Src = ".data\n.org 16\nval: .word 0x11223344, -1\n.float 1.5\n.bf16 1.0\n"
                    ".text\n  li x1, val+4\n  halt\n";
  ASSERT_TRUE(assemble(Src, "p.s", MachineDesc(), W, Diags));
  std::string Err;
  auto F = D1XFile::fromBuffer(W.serialize(), "p", Err);
  ASSERT_TRUE(F) << Err;
  const auto &H = F->header();
  ASSERT_EQ(H.segments_size(), 1);
  EXPECT_EQ(H.segments(0).address(), 16u);
  ASSERT_EQ(H.segments(0).size(), 14u);
  const uint8_t *D = F->data(H.segments(0).file_offset());
  EXPECT_EQ(D[0], 0x44);
  EXPECT_EQ(D[3], 0x11);
  EXPECT_EQ(D[4], 0xff);
  EXPECT_EQ(D[11], 0x3f); // 1.5f = 0x3fc00000
  EXPECT_EQ(D[12], 0x80); // bf16 1.0 = 0x3f80
  EXPECT_EQ(D[13], 0x3f);
  // li x1, 20
  EXPECT_EQ(F->codeWord(H.cores(0), 0) >> 32, 20u);
}

TEST(Assembler, DisassemblyReassemblesIdentically) {
  const char *Src = ".machine mesh_rows, 2\n.input x, f32, 2x8, dram, buf\n.dram\nbuf: .space 64\n"
                    "w: .float 1, 2, 3\n.core 1\n.data\n.zero 8\nd: .dword 7\n.text\n"
                    "top: addi x1, x1, 1\n  blt x1, x2, top\n  vld v1, 8(x3)\n  halt\n";
  D1XWriter W;
  std::vector<AsmDiagnostic> Diags;
  ASSERT_TRUE(assemble(Src, "p.s", MachineDesc(), W, Diags)) << Diags[0].str();
  std::string Bytes = W.serialize(), Err;
  auto F = D1XFile::fromBuffer(Bytes, "p.d1x", Err);
  ASSERT_TRUE(F) << Err;
  std::string Text = disassemble(*F);
  D1XWriter W2;
  ASSERT_TRUE(assemble(Text, "dis.s", MachineDesc(), W2, Diags)) << Diags[0].str() << "\n" << Text;
  EXPECT_TRUE(W2.serialize() == Bytes) << Text;
}

TEST(Binary, RejectsDamage) {
  D1XWriter W;
  std::vector<AsmDiagnostic> Diags;
  ASSERT_TRUE(assemble("  halt\n", "p.s", MachineDesc(), W, Diags));
  std::string Good = W.serialize(), Err;
  ASSERT_TRUE(D1XFile::fromBuffer(Good, "g", Err)) << Err;
  // Every truncation is rejected with a message, never a crash.
  for (size_t N = 0; N < Good.size(); ++N) {
    EXPECT_FALSE(D1XFile::fromBuffer(Good.substr(0, N), "t", Err)) << N;
    EXPECT_FALSE(Err.empty());
  }
  std::string BadVersion = Good;
  BadVersion[8] = 9;
  EXPECT_FALSE(D1XFile::fromBuffer(BadVersion, "v", Err));
  EXPECT_EQ(Err, "v: unsupported .d1x format version 9 (this tool reads version 1)");
  // Flipping any single byte never crashes the reader.
  for (size_t I = 0; I < Good.size(); ++I) {
    std::string B = Good;
    B[I] = char(B[I] ^ 0x5a);
    D1XFile::fromBuffer(B, "f", Err);
  }
}

} // namespace
