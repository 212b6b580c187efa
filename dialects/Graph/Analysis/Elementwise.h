//===- Elementwise.h - Graph elementwise ops as tile functions --*- C++ -*-===//
//
// Which elementwise ops (graph::ElementwiseOpInterface) fusion runs on SRAM
// tiles, shared by graph-fuse and the lowering of fused groups.
//
//===----------------------------------------------------------------------===//
#ifndef D1_GRAPH_ANALYSIS_ELEMENTWISE_H
#define D1_GRAPH_ANALYSIS_ELEMENTWISE_H

#include "dialects/Tile/IR/Tile.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

namespace d1 {

/// An elementwise op fusion can run on SRAM tiles: fp32 throughout, one
/// result, at most two operands, and not pow by a constant 3 (which the
/// unfused lowering computes as two products).
bool fusableElementwise(mlir::Operation *Op);

} // namespace d1

#endif
