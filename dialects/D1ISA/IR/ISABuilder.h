//===- ISABuilder.h - Build and read d1isa ops from the ISA tables -*- C++ -*-===//
//
// Every d1isa op is one instruction of include/d1/Target/ISA.td. ISABuilder
// has one typed method per instruction, generated from that file
// (`I.vneg_f32(A)`, `I.addi({X, 8})`, `I.vadd_f32({A, B})`): a misspelled
// instruction or a wrong operand count or kind is a compile error. Two or
// more operands come as one braced list, which C++ evaluates left to right
// (function arguments have no order), so `I.add({I.li(1), I.li(2)})` emits
// the first li first. Where the instruction is chosen at run
// time, build(Opcode, ...) takes it from the generated enum.
//
//===----------------------------------------------------------------------===//
#ifndef D1_D1ISA_IR_ISABUILDER_H
#define D1_D1ISA_IR_ISABUILDER_H

#include "d1/Target/ISA.h"
#include "dialects/D1ISA/IR/D1ISA.h"

#include "mlir/IR/Builders.h"

#include <optional>

#include <tuple>

namespace d1 {

/// The instruction an op is; null for an op outside the d1isa dialect.
const InstInfo *instOf(mlir::Operation *Op);
/// The value V's `li` loads, if a `li` defines V (none for a null V).
std::optional<int64_t> constantOf(mlir::Value V);
/// "vcvt.bf16.f32" -> "d1isa.vcvt_bf16_f32".
std::string isaOpName(const InstInfo &Info);

/// An instruction's operands, built from one braced list: exactly these
/// types, evaluated in the order written.
template <typename... Ts> struct Operands {
  std::tuple<Ts...> Values;
  Operands(Ts... Vs) : Values(Vs...) {}
};

class ISABuilder {
  mlir::OpBuilder &B;

public:
  ISABuilder(mlir::OpBuilder &B) : B(B) {}
  mlir::Location Loc = mlir::UnknownLoc::get(B.getContext());

  /// Builds instruction Op. Regs are its register sources in operand order
  /// (a tied destination's old value first); Imms its non-register operands
  /// (immediates, semaphores, lanes) in order. Returns the result register,
  /// if it has one. A count that does not fit the instruction is a fatal
  /// internal error in every build mode.
  mlir::Value build(Opcode Op, mlir::ValueRange Regs = {}, llvm::ArrayRef<int64_t> Imms = {});
  /// Any 64-bit constant in a scalar register: li, or li and lih.
  mlir::Value constant(int64_t V);

#include "d1/Target/ISABuilders.inc"
};

} // namespace d1

#endif
