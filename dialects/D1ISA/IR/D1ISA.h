//===- D1ISA.h - The ISA dialect: one op per D1 instruction ----*- C++ -*-===//
#ifndef D1_D1ISA_IR_D1ISA_H
#define D1_D1ISA_IR_D1ISA_H

#include "d1/Target/ISA.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <optional>

#include "dialects/D1ISA/IR/D1ISADialect.h.inc"

namespace d1::d1isa {
/// The state instructions touch besides registers (ISA.td's Effects), as
/// resources of the ops' memory effects.
struct SRAMResource : mlir::SideEffects::Resource::Base<SRAMResource> {
  llvm::StringRef getName() final { return "d1isa.sram"; }
};
struct CycleCounterResource : mlir::SideEffects::Resource::Base<CycleCounterResource> {
  llvm::StringRef getName() final { return "d1isa.cycle_counter"; }
};
struct GeneratorResource : mlir::SideEffects::Resource::Base<GeneratorResource> {
  llvm::StringRef getName() final { return "d1isa.generator"; }
};
} // namespace d1::d1isa

#define GET_TYPEDEF_CLASSES
#include "dialects/D1ISA/IR/D1ISATypes.h.inc"

#include "dialects/D1ISA/IR/D1ISAInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialects/D1ISA/IR/D1ISAOps.h.inc"

namespace d1::d1isa {

/// The register of an instruction's result, set by d1isa-allocate-registers.
constexpr llvm::StringLiteral RegAttrName = "d1isa.reg";
/// On scf.for: the registers of the induction variable and the iteration
/// arguments (and so of the results).
constexpr llvm::StringLiteral RegsAttrName = "d1isa.regs";

/// The physical register V is in, once registers are allocated: from its
/// defining op's d1isa.reg, a loop's d1isa.regs, or 0 for d1isa.x0.
std::optional<int64_t> getRegister(mlir::Value V);

} // namespace d1::d1isa

#endif
