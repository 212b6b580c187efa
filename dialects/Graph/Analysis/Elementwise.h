//===- Elementwise.h - Graph elementwise ops as tile functions --*- C++ -*-===//
//
// The one mapping from a graph dialect elementwise op to the tile dialect's
// elementwise function and its constant parameters, shared by the lowering
// (GraphToTile) and the fusion pass (which fuses only what maps).
//
//===----------------------------------------------------------------------===//
#ifndef D1_GRAPH_ANALYSIS_ELEMENTWISE_H
#define D1_GRAPH_ANALYSIS_ELEMENTWISE_H

#include "dialects/Tile/IR/Tile.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

namespace d1 {

/// The tile function computing Op (add, relu, clip, compare, ...); false for
/// an op that is not elementwise.
bool elementwiseKind(mlir::Operation *Op, tile::EltKind &Kind,
                     llvm::SmallVectorImpl<float> &Params);

/// An elementwise op fusion can run on SRAM tiles: fp32 throughout, one
/// result, at most two operands, and not pow by a constant 3 (which the
/// unfused lowering computes as two products).
bool fusableElementwise(mlir::Operation *Op);

} // namespace d1

#endif
