// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// A Linear layer on [2, 10, 64]: the weights are the same for both items,
// so the product is one [20, 64] x [64, 32]: one tile.matmul of 20 rows, the
// weights loaded once, no loop over the batch.
// CHECK-LABEL: func.func @main
// CHECK-NOT: scf.for
// CHECK: tile.dma %arg1[%{{.*}}] -> %{{.*}} sizes [1, 64, 32]
// CHECK: tile.matmul {{.*}}m = 20
// CHECK: tile.dma %{{.*}} -> %arg2[%{{.*}}] sizes [1, 20, 32]
// CHECK-NOT: tile.matmul
func.func @main(%x: tensor<2x10x64xf32>, %w: tensor<64x32xf32>) -> tensor<2x10x32xf32> {
  %y = graph.matmul %x, %w : tensor<2x10x64xf32>, tensor<64x32xf32> -> tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// Its epilogue adds a per-column bias and a residual of the output's shape:
// both read alike on the folded rows.
// CHECK-LABEL: func.func @main
// CHECK-NOT: scf.for
// CHECK: tile.matmul {{.*}}m = 20
// CHECK: tile.dma %arg3[%{{.*}}] -> %{{.*}} sizes [1, 20, 32]
// CHECK-NOT: tile.matmul
func.func @main(%x: tensor<2x10x64xf32>, %w: tensor<64x32xf32>, %b: tensor<32xf32>, %r: tensor<2x10x32xf32>) -> tensor<2x10x32xf32> {
  %y = graph.fused epilogue {
    %m = graph.matmul %x, %w : tensor<2x10x64xf32>, tensor<64x32xf32> -> tensor<2x10x32xf32>
    %a = graph.add %m, %b : tensor<2x10x32xf32>, tensor<32xf32> -> tensor<2x10x32xf32>
    %s = graph.add %a, %r : tensor<2x10x32xf32>, tensor<2x10x32xf32> -> tensor<2x10x32xf32>
    graph.yield %s : tensor<2x10x32xf32>
  } : tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// An epilogue operand the same for both items ([10, 32]) does not read
// alike on folded rows: one product per item.
// CHECK-LABEL: func.func @main
// CHECK: scf.for
// CHECK: tile.matmul {{.*}}m = 10
func.func @main(%x: tensor<2x10x64xf32>, %w: tensor<64x32xf32>, %p: tensor<10x32xf32>) -> tensor<2x10x32xf32> {
  %y = graph.fused epilogue {
    %m = graph.matmul %x, %w : tensor<2x10x64xf32>, tensor<64x32xf32> -> tensor<2x10x32xf32>
    %a = graph.add %m, %p : tensor<2x10x32xf32>, tensor<10x32xf32> -> tensor<2x10x32xf32>
    graph.yield %a : tensor<2x10x32xf32>
  } : tensor<2x10x32xf32>
  return %y : tensor<2x10x32xf32>
}

// -----

// One row per item ([4, 1, 8] x [8, 16]): a residual [4, 1, 16] differs per
// item, so the rows do not fold (each item reads its own residual row).
// CHECK-LABEL: func.func @main
// CHECK: scf.for
// CHECK: tile.matmul {{.*}}m = 1
// CHECK: tile.dma %arg2[%{{.*}}] -> %{{.*}} sizes [1, 1, 16]
func.func @main(%x: tensor<4x1x8xf32>, %w: tensor<8x16xf32>, %r: tensor<4x1x16xf32>) -> tensor<4x1x16xf32> {
  %y = graph.fused epilogue {
    %m = graph.matmul %x, %w : tensor<4x1x8xf32>, tensor<8x16xf32> -> tensor<4x1x16xf32>
    %a = graph.add %m, %r : tensor<4x1x16xf32>, tensor<4x1x16xf32> -> tensor<4x1x16xf32>
    graph.yield %a : tensor<4x1x16xf32>
  } : tensor<4x1x16xf32>
  return %y : tensor<4x1x16xf32>
}
