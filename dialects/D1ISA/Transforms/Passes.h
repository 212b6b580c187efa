//===- Passes.h - the D1 ISA dialect's passes -*- C++ -*-===//
#ifndef D1_D1ISA_TRANSFORMS_PASSES_H
#define D1_D1ISA_TRANSFORMS_PASSES_H

#include "dialects/D1ISA/IR/D1ISA.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace d1 {
#define GEN_PASS_DECL
#include "dialects/D1ISA/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/D1ISA/Transforms/Passes.h.inc"
} // namespace d1

#endif
