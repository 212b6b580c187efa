//===- GraphInterfaces.td - What passes ask of graph ops -----*- tablegen -*-===//
//
// Fusion, the lowering and (later) sharding ask graph ops two questions
// instead of listing them: which elementwise function computes you, and
// which loops compute you and which part of each operand do they read.
//
//===----------------------------------------------------------------------===//
#ifndef D1_DIALECTS_GRAPH_INTERFACES_TD
#define D1_DIALECTS_GRAPH_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Graph_ElementwiseOpInterface : OpInterface<"ElementwiseOpInterface"> {
  let cppNamespace = "::d1::graph";
  let description = [{
    An op that computes each result element from the operand elements at
    the same index (numpy broadcasting) with one of the tile dialect's
    elementwise functions (`tile.elementwise`'s kinds) and constant
    parameters. Fusion (which ops join an epilogue or a row kernel) and
    the lowering to `tile.elementwise` ask this instead of listing ops: an
    op that implements it fuses and lowers with nothing else to change.
  }];
  let methods = [
    InterfaceMethod<"The tile function that computes the op.",
      "::d1::tile::EltKind", "getEltKind">,
    InterfaceMethod<[{
        Its constant parameters, in tile.elementwise's order (leaky_relu:
        alpha; clip: min, max; isinf: detect negative, detect positive).
      }], "::llvm::SmallVector<float>", "getEltParams", (ins), "",
      [{ return {}; }]>,
  ];
}

def Graph_IterationSpaceOpInterface : OpInterface<"IterationSpaceOpInterface"> {
  let cppNamespace = "::d1::graph";
  let description = [{
    The loop nest that computes the op, the way linalg describes its ops:
    loops over `getStaticLoopRanges()`, each parallel or a reduction
    (`getLoopIteratorTypes()`), where iteration `i` reads operand `k` at
    `getIndexingMaps()[k](i)` and writes result `r` at
    `getIndexingMaps()[numOperands + r](i)`. A map may reach outside its
    operand (a padded window): such reads see the padding, not memory.

    From these, `getOperandWindow` answers which part of an operand a tile
    of iterations reads: the input rows a band of convolution output
    needs, a matrix product's panels, the rows of a softmax. It is what
    tiling and depth-first fusion ask, and what a core must hold when the
    op is sharded over the mesh: MLIR's `ShardingInterface` asks for the
    same two methods (`getLoopIteratorTypes`, `getIndexingMaps`).

    The default is an elementwise op: one parallel loop per result
    dimension, operands broadcast numpy-style (a dimension of size 1 that
    the result does not share reads index 0).
  }];
  let methods = [
    InterfaceMethod<"Parallel or reduction, per loop.",
      "::llvm::SmallVector<::mlir::utils::IteratorType>", "getLoopIteratorTypes", (ins), "",
      [{ return ::d1::graph::detail::broadcastIteratorTypes($_op.getOperation()); }]>,
    InterfaceMethod<"The number of iterations of each loop.",
      "::llvm::SmallVector<int64_t>", "getStaticLoopRanges", (ins), "",
      [{ return ::d1::graph::detail::broadcastLoopRanges($_op.getOperation()); }]>,
    InterfaceMethod<"One map per operand, then one per result: loops to its indices.",
      "::llvm::SmallVector<::mlir::AffineMap>", "getIndexingMaps", (ins), "",
      [{ return ::d1::graph::detail::broadcastIndexingMaps($_op.getOperation()); }]>,
  ];
  let extraClassDeclaration = [{
    /// The box of operand (or, from getNumOperands() on, result) K that the
    /// iterations [Offsets, Offsets + Sizes) touch, clipped to its shape.
    ::d1::graph::Window getOperandWindow(unsigned K, ::llvm::ArrayRef<int64_t> Offsets,
                                         ::llvm::ArrayRef<int64_t> Sizes);
  }];
}

#endif
