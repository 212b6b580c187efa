//===- ISA.cpp - Instruction tables, encoding and printing ----------------===//
#include "d1/Target/ISA.h"

#include <cctype>
#include <cstdio>
#include <unordered_map>

using namespace d1;

namespace {
#define D1_GET_TABLES
#include "d1/Target/ISATables.inc"

struct OpcodeIndex {
  const InstInfo *ByOpcode[256] = {};
  std::unordered_map<std::string, const InstInfo *> ByMnemonic;
  OpcodeIndex() {
    for (const InstInfo &I : InstTable) {
      ByOpcode[uint8_t(I.Op)] = &I;
      ByMnemonic[I.Mnemonic] = &I;
    }
  }
};
const OpcodeIndex &index() {
  static const OpcodeIndex Index;
  return Index;
}
} // namespace

const char *d1::fieldName(Field F) {
  static const char *const Names[] = {"rd", "rs1", "rs2", "rs3", "imm"};
  return Names[unsigned(F)];
}
const OperandKindInfo &d1::operandKindInfo(OperandKind K) { return OperandKindTable[unsigned(K)]; }
const UnitInfo &d1::unitInfo(Unit U) { return UnitTable[unsigned(U)]; }
const GroupInfo &d1::groupInfo(InstGroup G) { return GroupTable[unsigned(G)]; }
const InstInfo *d1::instInfo(uint8_t Opcode) { return index().ByOpcode[Opcode]; }
const InstInfo *d1::instByMnemonic(const std::string &M) {
  auto It = index().ByMnemonic.find(M);
  return It == index().ByMnemonic.end() ? nullptr : It->second;
}
const InstInfo *d1::instBegin() { return std::begin(InstTable); }
const InstInfo *d1::instEnd() { return std::end(InstTable); }

int64_t Inst::field(Field F) const {
  switch (F) {
  case Field::rd:
    return Rd;
  case Field::rs1:
    return Rs1;
  case Field::rs2:
    return Rs2;
  case Field::rs3:
    return Rs3;
  case Field::imm:
    return Imm;
  }
  return 0;
}

void Inst::setField(Field F, int64_t V) {
  switch (F) {
  case Field::rd:
    Rd = uint8_t(V);
    break;
  case Field::rs1:
    Rs1 = uint8_t(V);
    break;
  case Field::rs2:
    Rs2 = uint8_t(V);
    break;
  case Field::rs3:
    Rs3 = uint8_t(V);
    break;
  case Field::imm:
    Imm = int32_t(V);
    break;
  }
}

uint64_t d1::encode(const Inst &I) {
  return uint64_t(uint8_t(I.Op)) | uint64_t(I.Rd & 31) << 8 | uint64_t(I.Rs1 & 31) << 13 |
         uint64_t(I.Rs2 & 31) << 18 | uint64_t(I.Rs3 & 31) << 23 | uint64_t(uint32_t(I.Imm)) << 32;
}

bool d1::decode(uint64_t Word, Inst &I, std::string &Error) {
  const InstInfo *Info = instInfo(uint8_t(Word));
  char Buf[96];
  if (!Info) {
    std::snprintf(Buf, sizeof Buf, "unknown opcode 0x%02x", unsigned(Word & 0xff));
    Error = Buf;
    return false;
  }
  if ((Word >> 28) & 0xf) {
    std::snprintf(Buf, sizeof Buf, "reserved bits 31:28 set in %s", Info->Mnemonic);
    Error = Buf;
    return false;
  }
  I = Inst();
  I.Op = Info->Op;
  I.Rd = (Word >> 8) & 31;
  I.Rs1 = (Word >> 13) & 31;
  I.Rs2 = (Word >> 18) & 31;
  I.Rs3 = (Word >> 23) & 31;
  I.Imm = int32_t(uint32_t(Word >> 32));
  bool Used[5] = {};
  for (unsigned K = 0; K < Info->NumOperands; ++K) {
    const OperandInfo &O = Info->Operands[K];
    Used[unsigned(O.F)] = true;
    const OperandKindInfo &KI = operandKindInfo(O.Kind);
    int64_t V = I.field(O.F);
    if (V < KI.Min || V > KI.Max ||
        (O.Kind == OperandKind::Chunk && V != 4 && V != 8 && V != 16 && V != 32)) {
      std::snprintf(Buf, sizeof Buf, "%s: %s = %lld out of range for %s", Info->Mnemonic,
                    fieldName(O.F), (long long)V, KI.Name);
      Error = Buf;
      return false;
    }
  }
  for (unsigned F = 0; F < 5; ++F)
    if (!Used[F] && I.field(Field(F)) != 0) {
      std::snprintf(Buf, sizeof Buf, "%s: unused field %s is not zero", Info->Mnemonic,
                    fieldName(Field(F)));
      Error = Buf;
      return false;
    }
  return true;
}

std::string d1::formatInst(const Inst &I, const std::function<std::string(int64_t)> &Label,
                           int64_t PC) {
  const InstInfo &Info = instInfo(I.Op);
  std::string Out = Info.Mnemonic;
  if (!*Info.AsmString)
    return Out;
  Out += ' ';
  for (const char *P = Info.AsmString; *P;) {
    if (*P != '$') {
      Out += *P++;
      continue;
    }
    ++P;
    std::string Name;
    while (*P && (std::isalnum((unsigned char)*P)))
      Name += *P++;
    for (unsigned K = 0; K < Info.NumOperands; ++K) {
      const OperandInfo &O = Info.Operands[K];
      if (Name != fieldName(O.F))
        continue;
      const OperandKindInfo &KI = operandKindInfo(O.Kind);
      int64_t V = I.field(O.F);
      if (*KI.Prefix)
        Out += KI.Prefix + std::to_string(V);
      else if (O.Kind == OperandKind::Target && Label)
        Out += Label(PC + V);
      else
        Out += std::to_string(V);
    }
  }
  return Out;
}
