//===- Passes.h - The d1 dialect's passes -----------------------*- C++ -*-===//
#ifndef D1_D1_TRANSFORMS_PASSES_H
#define D1_D1_TRANSFORMS_PASSES_H

#include "dialects/D1/IR/D1.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace d1 {
#define GEN_PASS_DECL
#include "dialects/D1/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/D1/Transforms/Passes.h.inc"
} // namespace d1

#endif
