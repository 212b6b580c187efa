//===- Graph.h - The graph dialect ------------------------------*- C++ -*-===//
#ifndef D1_GRAPH_IR_GRAPH_H
#define D1_GRAPH_IR_GRAPH_H

#include "dialects/Tile/IR/Tile.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <vector>

#include "dialects/Graph/IR/GraphDialect.h.inc"
#include "dialects/Graph/IR/GraphEnums.h.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/Graph/IR/GraphAttrs.h.inc"

namespace d1::graph {
/// The verifier shared by the binary elementwise ops (GraphOps.td).
mlir::LogicalResult verifyBinary(mlir::Operation *Op);
/// The values of V when an fp32 graph.constant defines it; empty otherwise.
std::vector<float> constantF32(mlir::Value V);

/// A box of a tensor: [Offsets, Offsets + Sizes) per dimension.
struct Window {
  llvm::SmallVector<int64_t> Offsets, Sizes;
  bool operator==(const Window &O) const { return Offsets == O.Offsets && Sizes == O.Sizes; }
};

namespace detail {
/// IterationSpaceOpInterface's default, numpy broadcasting over the result.
llvm::SmallVector<mlir::utils::IteratorType> broadcastIteratorTypes(mlir::Operation *Op);
llvm::SmallVector<int64_t> broadcastLoopRanges(mlir::Operation *Op);
llvm::SmallVector<mlir::AffineMap> broadcastIndexingMaps(mlir::Operation *Op);
} // namespace detail
} // namespace d1::graph

#include "dialects/Graph/IR/GraphInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialects/Graph/IR/GraphOps.h.inc"

#endif
