//===- Passes.h - d1c's lowering passes -------------------------*- C++ -*-===//
#ifndef D1_CONVERSION_PASSES_H
#define D1_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "dialects/D1ISA/IR/D1ISA.h"
#include "dialects/Tile/IR/Tile.h"

namespace d1 {
#define GEN_PASS_DECL
#include "d1/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "d1/Conversion/Passes.h.inc"
} // namespace d1

#endif
