// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// K = 300 > 256: the C tile is filled with 0, then two K tiles (256 and a
// static 44 remainder) accumulate.
// CHECK-LABEL: func.func @main
// CHECK: tile.elementwise fill {{.*}}count = 80{{.*}}params = array<f32: 0.000000e+00>
// CHECK: tile.matmul {{.*}}{accumulate = true, k = 256 : i64, lda = 256 : i64, ldb = 16 : i64, ldc = 16 : i64, m = 5 : i64, n = 16 : i64}
// CHECK: tile.matmul {{.*}}{accumulate = true, k = 44 : i64, lda = 44 : i64, ldb = 16 : i64, ldc = 16 : i64, m = 5 : i64, n = 16 : i64}
func.func @main(%a: tensor<5x300xf32>, %b: tensor<300x16xf32>) -> tensor<5x16xf32> {
  %r = graph.matmul %a, %b : tensor<5x300xf32>, tensor<300x16xf32> -> tensor<5x16xf32>
  return %r : tensor<5x16xf32>
}

// -----

// Gemm with a constant transposed weight (PyTorch's Linear): the weight is
// transposed at compile time into a new global, and the bias added per row.
// CHECK: memref.global "private" constant @cst2 : memref<3x2xf32, #tile.mem<dram>> = dense<{{\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00]]>
// CHECK-LABEL: func.func @main
// CHECK: memref.get_global @cst2
// CHECK: tile.matmul {{.*}}{accumulate = false, k = 3 : i64
// CHECK: tile.elementwise add
func.func @main(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = graph.constant dense<[[1.0, 2.0, 5.0], [3.0, 4.0, 6.0]]> : tensor<2x3xf32>
  %b = graph.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %r = graph.gemm %x, %w, %b {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = true} : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

// -----

// A non-constant transposed operand is transposed by the DMA: one element
// per DMA row, one plane per column of B.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg1[%{{.*}}] -> %{{.*}} sizes [2, 3, 1] src_strides [3, 1] dst_strides [1, 2]
func.func @main(%x: tensor<4x3xf32>, %w: tensor<2x3xf32>) -> tensor<4x2xf32> {
  %r = graph.gemm %x, %w {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = true} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

// -----

// Batch broadcasting across ranks: [2, 1, 4, 5] x [3, 5, 6] -> [2, 3, 4, 6]
// loops over both batch dims; A moves 20 elements per step of the first
// (and stays for the second), B 30 per step of the second only.
// CHECK-LABEL: func.func @main
// CHECK: scf.for %[[I:.*]] = %c0 to %c2 step %c1
// CHECK: arith.muli %[[I]], %c20
// CHECK: scf.for %[[J:.*]] = %c0 to %c3 step %c1
// CHECK: arith.muli %[[J]], %c30
// CHECK: tile.matmul {{.*}}k = 5 : i64{{.*}}m = 4 : i64, n = 6 : i64
func.func @main(%a: tensor<2x1x4x5xf32>, %b: tensor<3x5x6xf32>) -> tensor<2x3x4x6xf32> {
  %r = graph.matmul %a, %b : tensor<2x1x4x5xf32>, tensor<3x5x6xf32> -> tensor<2x3x4x6xf32>
  return %r : tensor<2x3x4x6xf32>
}
