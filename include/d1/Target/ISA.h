//===- ISA.h - The D1 instruction set: tables, encoding, printing -*- C++ -*-===//
//
// Every table here is generated from include/d1/Target/ISA.td by d1-tblgen.
// Encoding: one little-endian 64-bit word per instruction,
//   [7:0] opcode [12:8] rd [17:13] rs1 [22:18] rs2 [27:23] rs3 [31:28] 0
//   [63:32] imm (signed).
//
//===----------------------------------------------------------------------===//
#ifndef D1_TARGET_ISA_H
#define D1_TARGET_ISA_H

#include "d1/Target/Machine.h"

#include <cstdint>
#include <functional>
#include <string>

namespace d1 {

#define D1_GET_ENUMS
#include "d1/Target/ISATables.inc"

enum class Field : uint8_t { rd, rs1, rs2, rs3, imm };
const char *fieldName(Field F);

struct OperandKindInfo {
  const char *Name;
  const char *Prefix; // register-like kinds: "x", "v", "acc", "s"
  int64_t Min, Max;
  bool InImm;
  const char *Doc;
};

struct UnitInfo {
  const char *Name;
  int CapParam; // MachineParamId giving slots per cycle
  const char *Doc;
};

struct GroupInfo {
  const char *Name, *Title, *Doc;
};

struct OperandInfo {
  OperandKind Kind;
  Field F;
  bool IsDef;
};

struct UseInfo {
  Unit U;
  uint8_t Slots;
  uint8_t Occ;  // fixed occupancy when OccParam < 0
  int OccParam; // MachineParamId, or -1
};

struct InstInfo {
  Opcode Op;
  const char *Mnemonic;
  InstGroup Group;
  uint8_t NumOperands;
  OperandInfo Operands[4];
  const char *AsmString; // "$rd, $imm($rs1)"
  uint8_t NumUses;
  UseInfo Uses[3];
  int LatencyParam; // MachineParamId, or -1 when nothing is written
  bool TiedDest;
  bool IsBranch;
  /// May block, halt or reach the mesh (DMA, semaphores, barrier, fence):
  /// the emulator runs it in window order and never memoises its timing.
  bool IsSync;
  /// Bits of Effect: what it does besides registers (ISA.td's Effects).
  uint32_t Effects;
  uint32_t Macs;
  const char *Summary;
  const char *Traps;

  bool has(Effect E) const { return (Effects >> unsigned(E)) & 1u; }
  /// Pure computation on registers: no memory, no hidden state, no control.
  bool isPure() const { return !Effects && !IsBranch; }
};

const OperandKindInfo &operandKindInfo(OperandKind K);
const UnitInfo &unitInfo(Unit U);
const GroupInfo &groupInfo(InstGroup G);
/// nullptr for an opcode byte that is not an instruction.
const InstInfo *instInfo(uint8_t Opcode);
inline const InstInfo &instInfo(Opcode Op) { return *instInfo(uint8_t(Op)); }
/// nullptr for an unknown mnemonic.
const InstInfo *instByMnemonic(const std::string &Mnemonic);
/// Every instruction, in opcode order.
const InstInfo *instBegin();
const InstInfo *instEnd();

/// A decoded instruction: the fields of the word.
struct Inst {
  Opcode Op = Opcode::NOP;
  uint8_t Rd = 0, Rs1 = 0, Rs2 = 0, Rs3 = 0;
  int32_t Imm = 0;

  int64_t field(Field F) const;
  void setField(Field F, int64_t V);
  bool operator==(const Inst &O) const {
    return Op == O.Op && Rd == O.Rd && Rs1 == O.Rs1 && Rs2 == O.Rs2 && Rs3 == O.Rs3 && Imm == O.Imm;
  }
};

uint64_t encode(const Inst &I);
/// Decodes Word; on failure returns false and sets Error to why.
bool decode(uint64_t Word, Inst &I, std::string &Error);

/// Prints I in assembly syntax. A branch target is printed by Label(PC +
/// offset) when given, else as the signed offset.
std::string formatInst(const Inst &I, const std::function<std::string(int64_t)> &Label = nullptr,
                       int64_t PC = 0);

} // namespace d1

#endif
