//===- Emitter.h - Register allocation and .d1x emission --------*- C++ -*-===//
#ifndef D1_CODEGEN_EMITTER_H
#define D1_CODEGEN_EMITTER_H

#include "d1/Binary/D1X.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace d1 {

/// Allocates registers for @main of a module at the ISA level (after
/// convert-tile-to-d1isa), turns its loops into branches, encodes it and fills W:
/// the module's machine description (d1.target), core 0's code with a source location per
/// instruction, its SRAM data, the constants in DRAM and the I/O metadata.
/// Values that do not fit in the registers are spilled to SRAM after the
/// descriptors (AllocatableRegisters below 31 limits the scalar and vector
/// registers, AllocatableAccumulators below 4 the accumulators, to test
/// that). Returns false with Err set (one line) on failure.
bool emitBinary(mlir::ModuleOp Module, D1XWriter &W, std::string &Err,
                int AllocatableRegisters = 31, int AllocatableAccumulators = 4);

} // namespace d1

#endif
