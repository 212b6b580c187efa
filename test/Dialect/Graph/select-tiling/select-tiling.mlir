// RUN: d1-opt %s -split-input-file --graph-select-tiling | FileCheck %s
// RUN: d1-opt %s -split-input-file --graph-select-tiling=precision=bf16 | FileCheck %s --check-prefix=BF16

// Every kernel gets its tiling once: a convolution's filter, channel and
// row tiles (all 64 filters and channels, 8 rows, the input
// double-buffered), a product's m x n x k tiles. On the matrix unit (bf16,
// constant weights) the convolution's tiles say so, and the product's K
// tiles are 128 deep.
// CHECK-LABEL: func.func @main
// CHECK: graph.conv {{.*}}graph.tiling = #graph.window_tiling<filters = 64, channels = 64, rows = 8, input_once = false, double_input = true, double_weights = false, mma = false>
// CHECK: graph.matmul {{.*}}graph.tiling = #graph.matmul_tiling<m = 32, n = 256, k = 256>
// BF16-LABEL: func.func @main
// BF16: graph.conv {{.*}}rows = 8, input_once = false, double_input = true, double_weights = false, mma = true>
// BF16: graph.matmul {{.*}}graph.tiling = #graph.matmul_tiling<m = 72, n = 256, k = 128>
func.func @main(%x: tensor<1x64x56x56xf32>, %a: tensor<128x512xf32>, %b: tensor<512x512xf32>)
    -> (tensor<1x64x56x56xf32>, tensor<128x512xf32>) {
  %w = graph.constant dense<0.5> : tensor<64x64x3x3xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  %m = graph.matmul %a, %b : tensor<128x512xf32>, tensor<512x512xf32> -> tensor<128x512xf32>
  return %c, %m : tensor<1x64x56x56xf32>, tensor<128x512xf32>
}

// -----

// The anchor of an epilogue group is tiled with room for the epilogue's
// tiles (here the residual's): the input's second buffer no longer fits.
// Rows groups and depth-first groups get their rows per tile (per band).
// CHECK-LABEL: func.func @groups
// CHECK: graph.fused epilogue {
// CHECK-NEXT: graph.conv {{.*}}graph.tiling = #graph.window_tiling<filters = 64, channels = 64, rows = 8, input_once = false, double_input = false, double_weights = false, mma = false>
// CHECK: graph.fused rows {
// CHECK: } {graph.tiling = #graph.row_tiling<rows = 64>}
// CHECK: graph.fused depth_first {
// CHECK: } {graph.tiling = #graph.row_tiling<rows = 16>}
// BF16-LABEL: func.func @groups
func.func @groups(%x: tensor<1x64x56x56xf32>, %r: tensor<1x64x56x56xf32>, %t: tensor<64x256xf32>,
                  %s: tensor<1x3x64x64xf32>) -> (tensor<1x64x56x56xf32>, tensor<64x256xf32>, tensor<1x16x16x16xf32>) {
  %w = graph.constant dense<0.5> : tensor<64x64x3x3xf32>
  %y = graph.fused epilogue {
    %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
    %a = graph.add %c, %r : tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32> -> tensor<1x64x56x56xf32>
    %q = graph.relu %a : tensor<1x64x56x56xf32>
    graph.yield %q : tensor<1x64x56x56xf32>
  } : tensor<1x64x56x56xf32>
  %z = graph.fused rows {
    %m = graph.reduce max %t {axes = array<i64: 1>, keepdims = true} : tensor<64x256xf32> -> tensor<64x1xf32>
    %d = graph.sub %t, %m : tensor<64x256xf32>, tensor<64x1xf32> -> tensor<64x256xf32>
    graph.yield %d : tensor<64x256xf32>
  } : tensor<64x256xf32>
  %w2 = graph.constant dense<0.5> : tensor<16x3x7x7xf32>
  %p = graph.fused depth_first {
    %c = graph.conv %s, %w2 {strides = array<i64: 2, 2>, pads = array<i64: 3, 3, 3, 3>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x64x64xf32>, tensor<16x3x7x7xf32>) -> tensor<1x16x32x32xf32>
    %e = graph.relu %c : tensor<1x16x32x32xf32>
    %o = graph.max_pool %e {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x16x32x32xf32> -> tensor<1x16x16x16xf32>
    graph.yield %o : tensor<1x16x16x16xf32>
  } : tensor<1x16x16x16xf32>
  return %y, %z, %p : tensor<1x64x56x56xf32>, tensor<64x256xf32>, tensor<1x16x16x16xf32>
}

// -----

// A tiling set by hand is kept.
// CHECK-LABEL: func.func @by_hand
// CHECK: graph.matmul {{.*}}graph.tiling = #graph.matmul_tiling<m = 2, n = 4, k = 8>
func.func @by_hand(%a: tensor<4x8xf32>, %b: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %m = graph.matmul %a, %b {graph.tiling = #graph.matmul_tiling<m = 2, n = 4, k = 8>} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %m : tensor<4x8xf32>
}

// -----

// An op whose result has no elements is lowered to no code: no tiling.
// CHECK-LABEL: func.func @empty
// CHECK: graph.max_pool
// CHECK-NOT: graph.tiling
// CHECK: return
func.func @empty(%x: tensor<1x0x8x8xf32>) -> tensor<1x0x4x4xf32> {
  %o = graph.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x0x8x8xf32> -> tensor<1x0x4x4xf32>
  return %o : tensor<1x0x4x4xf32>
}
