//===- Graph.h - The graph dialect ------------------------------*- C++ -*-===//
#ifndef D1_GRAPH_IR_GRAPH_H
#define D1_GRAPH_IR_GRAPH_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
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

namespace d1::graph {
/// The verifier shared by the binary elementwise ops (GraphOps.td).
mlir::LogicalResult verifyBinary(mlir::Operation *Op);
/// The values of V when an fp32 graph.constant defines it; empty otherwise.
std::vector<float> constantF32(mlir::Value V);
} // namespace d1::graph

#define GET_OP_CLASSES
#include "dialects/Graph/IR/GraphOps.h.inc"

#endif
