//===- EncodingTest.cpp - Encoder, decoder and printer round trips --------===//
#include "d1/Asm/Assembler.h"
#include "d1/Target/ISA.h"

#include <gtest/gtest.h>
#include <random>

using namespace d1;

namespace {

Inst randomInst(const InstInfo &Info, std::mt19937_64 &Rng) {
  Inst I;
  I.Op = Info.Op;
  for (unsigned K = 0; K < Info.NumOperands; ++K) {
    const OperandInfo &O = Info.Operands[K];
    const OperandKindInfo &KI = operandKindInfo(O.Kind);
    int64_t V;
    if (O.Kind == OperandKind::Chunk) {
      V = int64_t(4) << (Rng() % 4);
    } else {
      std::uniform_int_distribution<int64_t> D(KI.Min, KI.Max);
      V = D(Rng);
    }
    I.setField(O.F, V);
  }
  return I;
}

TEST(Encoding, EveryInstructionRoundTrips) {
  std::mt19937_64 Rng(42);
  unsigned Count = 0;
  for (const InstInfo *Info = instBegin(); Info != instEnd(); ++Info, ++Count)
    for (int Trial = 0; Trial < 200; ++Trial) {
      Inst I = randomInst(*Info, Rng);
      uint64_t W = encode(I);
      Inst Back;
      std::string Err;
      ASSERT_TRUE(decode(W, Back, Err)) << Info->Mnemonic << ": " << Err;
      EXPECT_EQ(I, Back) << Info->Mnemonic;
      EXPECT_EQ(W, encode(Back));
    }
  EXPECT_GT(Count, 90u);
}

TEST(Encoding, FieldLayout) {
  Inst I;
  I.Op = Opcode::VFMA;
  I.Rd = 1;
  I.Rs1 = 2;
  I.Rs2 = 3;
  I.Rs3 = 4;
  // [7:0] opcode [12:8] rd [17:13] rs1 [22:18] rs2 [27:23] rs3 [63:32] imm
  EXPECT_EQ(encode(I), 0x63ull | 1ull << 8 | 2ull << 13 | 3ull << 18 | 4ull << 23);
  Inst J;
  J.Op = Opcode::ADDI;
  J.Imm = -1;
  EXPECT_EQ(encode(J) >> 32, 0xffffffffull);
}

TEST(Encoding, RejectsBadWords) {
  Inst I;
  std::string Err;
  // Opcode 0xff is not an instruction.
  EXPECT_FALSE(decode(0xff, I, Err));
  EXPECT_EQ(Err, "unknown opcode 0xff");
  // halt uses no fields: any set field is an invalid encoding.
  EXPECT_FALSE(decode(uint64_t(Opcode::HALT) | 1ull << 8, I, Err));
  EXPECT_NE(Err.find("unused field rd"), std::string::npos) << Err;
  // Reserved bits 31:28.
  EXPECT_FALSE(decode(uint64_t(Opcode::ADD) | 1ull << 30, I, Err));
  EXPECT_NE(Err.find("reserved"), std::string::npos) << Err;
  // acc4 does not exist.
  EXPECT_FALSE(decode(uint64_t(Opcode::MMAZERO) | 4ull << 8, I, Err));
  EXPECT_NE(Err.find("out of range"), std::string::npos) << Err;
  // Gather chunks are 4, 8, 16 or 32 bytes.
  EXPECT_FALSE(decode(uint64_t(Opcode::VLDG) | 12ull << 32, I, Err));
}

TEST(Encoding, EveryOpcodeBytePartitions) {
  // Every byte either decodes (with zero fields, when that is in range) or
  // is reported as unknown; none crashes.
  for (unsigned B = 0; B < 256; ++B) {
    Inst I;
    std::string Err;
    bool Ok = decode(B, I, Err);
    EXPECT_EQ(Ok || Err.find("unknown opcode") == std::string::npos,
              instInfo(uint8_t(B)) != nullptr)
        << B << ": " << Err;
  }
}

TEST(Encoding, PrintedTextReassembles) {
  // formatInst's text of every instruction assembles back to the same word.
  std::mt19937_64 Rng(7);
  for (const InstInfo *Info = instBegin(); Info != instEnd(); ++Info) {
    Inst I = randomInst(*Info, Rng);
    bool HasTarget = false;
    for (unsigned K = 0; K < Info->NumOperands; ++K)
      HasTarget |= Info->Operands[K].Kind == OperandKind::Target;
    if (HasTarget)
      I.Imm = 0; // a branch to itself: the label is printed as this PC
    std::string Text = formatInst(I, [](int64_t PC) { return "L" + std::to_string(PC); }, 0);
    std::string Src = "L0: " + Text + "\n";
    D1XWriter W;
    std::vector<AsmDiagnostic> Diags;
    ASSERT_TRUE(assemble(Src, "t.s", MachineDesc(), W, Diags))
        << Src << (Diags.empty() ? "" : Diags[0].str());
    std::string Err;
    auto F = D1XFile::fromBuffer(W.serialize(), "t", Err);
    ASSERT_TRUE(F) << Err;
    EXPECT_EQ(F->codeWord(F->header().cores(0), 0), encode(I)) << Text;
  }
}

} // namespace
