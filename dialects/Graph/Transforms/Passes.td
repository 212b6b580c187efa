//===- Passes.td - the graph dialect's passes -*- tablegen -*-===//
#ifndef D1_GRAPH_TRANSFORMS_PASSES_TD
#define D1_GRAPH_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldBatchNorm : Pass<"graph-fold-batch-norm", "mlir::ModuleOp"> {
  let summary = "Fold inference batch normalization into the convolution before it";
  let description = [{
    A `graph.batch_norm` with constant parameters is y = x * a + b per
    channel, a = scale / sqrt(variance + epsilon), b = bias - mean * a.
    When x is a convolution with constant weights whose only reader is the
    batch norm, a scales each filter and the bias becomes bias * a + b: the
    batch norm costs nothing at run time. Otherwise it becomes a `graph.mul`
    and a `graph.add` by per-channel constants, which `graph-fuse` can run in
    the epilogue of the op before it. Part of fusion: `d1c --disable-fusion`
    skips it, and the batch norm is then its own two passes over memory.

    Before:
    ```mlir
    %c = graph.conv %x, %w, %b {...} : (...) -> tensor<1x8x4x4xf32>
    %y = graph.batch_norm %c, %s, %t, %m, %v {epsilon = 1.0e-05 : f32} : (...) -> tensor<1x8x4x4xf32>
    ```
    After:
    ```mlir
    %w2 = graph.constant dense<...> : tensor<8x4x3x3xf32>
    %b2 = graph.constant dense<...> : tensor<8xf32>
    %y = graph.conv %x, %w2, %b2 {...} : (...) -> tensor<1x8x4x4xf32>
    ```
  }];
  let dependentDialects = ["d1::graph::GraphDialect"];
}

def Fuse : Pass<"graph-fuse", "mlir::ModuleOp"> {
  let summary = "Group ops into kernels whose intermediates stay in SRAM: epilogues, row kernels and depth-first chains";
  let description = [{
    Walks each function in order. A convolution, matmul or gemm starts a group; an
    fp32 elementwise op joins the group of one of its operands' producers
    when the cost model (`d1/Planning/CostModel.h`, over the machine
    description) says running it on the anchor's output tiles saves more
    DMA cycles than the anchor loses to the SRAM its tiles need, and the
    group still fits. The producer's DAG is followed, not only chains: an op
    may read several values of the group (x * sigmoid(x)), values of the
    group may have several readers, and other operands may be whole tensors
    of the anchor's shape (a residual) or broadcast along its channels,
    rows or columns (biases, batch-norm scales, constants). A group becomes
    a `graph.fused epilogue` op placed at its last member, yielding the
    values read after it.

    An op no epilogue takes may instead join, or start, a row kernel
    (`graph.fused rows`, rules in `dialects/Graph/Analysis/Rows.h`): fp32 elementwise
    ops, last-axis reductions and softmax over whole rows of one domain,
    with per-row, per-column and scalar operands. It joins when the cost
    model says the DRAM round trip it saves is worth more than the extra
    tiles its SRAM costs; a decomposed layer norm or softmax becomes one
    pass over memory. A group of one op stays as it was.

    Then consecutive window kernels chain depth-first (`graph.fused
    depth_first`; option `depth-first`): a convolution's group, or a max
    pooling, whose one value is read only by the next convolution or max
    pooling joins it when the chain's tiles (every stage's input rows,
    weights and bias at once; `d1/Planning/Tiling.h`, `chainTiling`) fit and
    the cost model prices its DMAs below the stages' own. Every stage but the
    last then keeps its output in SRAM: the ResNet stem (convolution, relu,
    max pooling) and MobileNetV2's expansion, depthwise and projection
    convolutions each read their input and write their output once.

    Before:
    ```mlir
    %c = graph.conv %x, %w, %b {...} : (...) -> tensor<1x8x4x4xf32>
    %s = graph.add %c, %r : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
    %y = graph.relu %s : tensor<1x8x4x4xf32>
    ```
    After:
    ```mlir
    %y = graph.fused epilogue {
      %c = graph.conv %x, %w, %b {...} : (...) -> tensor<1x8x4x4xf32>
      %s = graph.add %c, %r : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
      %y = graph.relu %s : tensor<1x8x4x4xf32>
      graph.yield %y : tensor<1x8x4x4xf32>
    } : tensor<1x8x4x4xf32>
    ```
    and a convolution whose relu output only a max pooling reads:
    ```mlir
    %y = graph.fused depth_first {
      %c = graph.conv %x, %w, %b {...} : (...) -> tensor<1x16x32x32xf32>
      %r = graph.relu %c : tensor<1x16x32x32xf32>
      %p = graph.max_pool %r {...} : tensor<1x16x32x32xf32> -> tensor<1x16x16x16xf32>
      graph.yield %p : tensor<1x16x16x16xf32>
    } : tensor<1x16x16x16xf32>
    ```
  }];
  let options = [
    Option<"DepthFirst", "depth-first", "bool", "true",
           "Chain consecutive window kernels depth-first where it pays">
  ];
  let dependentDialects = ["d1::graph::GraphDialect"];
}

def TestIterationSpace : Pass<"graph-test-iteration-space", "mlir::func::FuncOp"> {
  let summary = "Report what IterationSpaceOpInterface says of each op (for lit tests)";
  let description = [{
    A test pass: for every op that implements
    `graph::IterationSpaceOpInterface` it emits a remark with the loop
    ranges, the iterator types and the indexing maps. An op that carries
    `test.tile = array<i64: offsets..., sizes...>` (one offset and one size
    per loop) also gets a remark per operand and result with the window
    that tile of iterations touches (`getOperandWindow`). Lit tests check
    the remarks with `-verify-diagnostics`.

    ```mlir
    // expected-remark @below {{loops [1, 8, 4, 4, 3, 3, 3] (parallel, parallel, parallel, parallel, reduction, reduction, reduction)}}
    // expected-remark @below {{operand 0 window [0, 0, 0, 0] sizes [1, 3, 3, 9]}}
    %y = graph.conv %x, %w {..., test.tile = array<i64: 0, 0, 0, 0, 0, 0, 0, 1, 8, 2, 4, 3, 3, 3>} ...
    ```
  }];
  let dependentDialects = ["d1::graph::GraphDialect"];
}

def SelectTiling : Pass<"graph-select-tiling", "mlir::ModuleOp"> {
  let summary = "Choose each kernel's tiling once and record it in the op's graph.tiling";
  let description = [{
    Runs the tiling planners of `d1/Planning/Tiling.h` once per kernel, over
    the target's `sram_bytes`, and records each decision as the op's
    `graph.tiling` (`dialects/Graph/Analysis/Tiling.h`), which
    `convert-graph-to-tile` then reads:
    - a convolution or pooling, alone or anchoring an epilogue group (whose
      operands and intermediates take SRAM tiles beside its output):
      `#graph.window_tiling` (filters, channels and output rows per tile,
      loop order, double buffering, the matrix unit);
    - a matmul or gemm, alone or anchoring an epilogue group:
      `#graph.matmul_tiling` (m, n, k);
    - a `graph.fused rows` group: `#graph.row_tiling` (whole rows per
      tile); a `graph.fused depth_first` group: `#graph.row_tiling` (the
      last stage's output rows per band).

    A tiling already present (set by hand, in a lit test say) is kept and
    checked: out of range, or more SRAM than the budget, is an error at the
    op. A window kernel that does not fit even one row per tile records
    nothing: the lowering splits it and tiles each piece.

    Before:
    ```mlir
    %y = graph.matmul %a, %b : tensor<512x384xf32>, tensor<384x768xf32> -> tensor<512x768xf32>
    ```
    After:
    ```mlir
    %y = graph.matmul %a, %b {graph.tiling = #graph.matmul_tiling<m = 256, n = 256, k = 256>}
        : tensor<512x384xf32>, tensor<384x768xf32> -> tensor<512x768xf32>
    ```
  }];
  let options = [
    Option<"Precision", "precision", "std::string", "\"fp32\"",
           "fp32 or bf16 (convolutions and products on the matrix unit)">,
    Option<"DoubleBuffer", "double-buffer", "bool", "true",
           "Allow double-buffered window tiles">
  ];
  let dependentDialects = ["d1::graph::GraphDialect"];
}

#endif // D1_GRAPH_TRANSFORMS_PASSES_TD
