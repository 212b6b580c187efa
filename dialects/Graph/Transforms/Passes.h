//===- Passes.h - the graph dialect's passes -*- C++ -*-===//
#ifndef D1_GRAPH_TRANSFORMS_PASSES_H
#define D1_GRAPH_TRANSFORMS_PASSES_H

#include "dialects/Graph/IR/Graph.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace d1 {
#define GEN_PASS_DECL
#include "dialects/Graph/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/Graph/Transforms/Passes.h.inc"
} // namespace d1

#endif
