//===- ISABuilder.h - Build and read d1isa ops from the ISA tables -*- C++ -*-===//
//
// Every d1isa op is one instruction of include/d1/Target/ISA.td. Instead of
// one C++ call per instruction, ops are built from a mnemonic, register
// operands in the instruction's operand order and its immediates; the same
// table tells the emitter which field each operand goes to.
//
//===----------------------------------------------------------------------===//
#ifndef D1_D1ISA_IR_ISABUILDER_H
#define D1_D1ISA_IR_ISABUILDER_H

#include "d1/Target/ISA.h"
#include "dialects/D1ISA/IR/D1ISA.h"

#include "mlir/IR/Builders.h"

namespace d1 {

/// The instruction an op is; null for an op outside the d1isa dialect.
const InstInfo *instOf(mlir::Operation *Op);
/// "vcvt.bf16.f32" -> "d1isa.vcvt_bf16_f32".
std::string isaOpName(const InstInfo &Info);

class ISABuilder {
  mlir::OpBuilder &B;

public:
  ISABuilder(mlir::OpBuilder &B) : B(B) {}
  /// Builds instruction Mnemonic. Regs are its register sources in operand
  /// order (a tied destination's old value first); Imms its non-register
  /// operands (immediates, semaphores, lanes) in order. Returns the result
  /// register, if it has one.
  mlir::Value emit(llvm::StringRef Mnemonic, mlir::ValueRange Regs = {},
                   llvm::ArrayRef<int64_t> Imms = {});
  mlir::Value li(int64_t V);
  mlir::Location Loc = mlir::UnknownLoc::get(B.getContext());
};

} // namespace d1

#endif
