//===- Emitter.h - The translation of allocated d1isa to .d1x ---*- C++ -*-===//
#ifndef D1_CODEGEN_EMITTER_H
#define D1_CODEGEN_EMITTER_H

#include "d1/Binary/D1X.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace d1 {

/// Encodes @main of a module at the ISA level whose registers are allocated
/// (d1isa-allocate-registers) and fills W: the module's machine description
/// (d1.target), core 0's code with a source location per instruction (loops
/// become back edges: advance, compare, branch), its SRAM data, the
/// constants in DRAM and the I/O metadata. A value without a register is an
/// error at the op that reads it.
mlir::LogicalResult translateToD1X(mlir::ModuleOp Module, D1XWriter &W);

/// Registers the translation --d1isa-to-d1x (d1-translate).
void registerD1XTranslation();

/// d1isa-allocate-registers (AllocatableRegisters below 31 limits the scalar
/// and vector registers, AllocatableAccumulators below 4 the accumulators,
/// to test spilling), then translateToD1X. Returns false with Err set to
/// the first error ("file:line:col: node N: message") on failure.
bool emitBinary(mlir::ModuleOp Module, D1XWriter &W, std::string &Err,
                int AllocatableRegisters = 31, int AllocatableAccumulators = 4);

} // namespace d1

#endif
