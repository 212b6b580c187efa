//===- Passes.h - d1c's optimization passes ---------------------*- C++ -*-===//
#ifndef D1_TRANSFORMS_PASSES_H
#define D1_TRANSFORMS_PASSES_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "d1/Dialects/Graph/Graph.h"

namespace d1 {
#define GEN_PASS_DECL
#include "d1/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "d1/Transforms/Passes.h.inc"
} // namespace d1

#endif
