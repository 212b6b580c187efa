// RUN: d1-opt %s -split-input-file --graph-fuse | FileCheck %s

// Fusion prices an anchor with the tiling set on it by hand: 12 rows of
// this convolution fill its SRAM budget but for the residual's tile, so
// the add stays out of its group; with the tiling the planner picks it
// joins.
// CHECK-LABEL: func.func @fixed
// CHECK-NOT: graph.fused
// CHECK: graph.conv {{.*}}rows = 12
// CHECK-NEXT: graph.add
// CHECK-LABEL: func.func @free
// CHECK: graph.fused epilogue {
// CHECK-NEXT: graph.conv
// CHECK-NEXT: graph.add
func.func @fixed(%x: tensor<1x64x56x56xf32>, %r: tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32> {
  %w = graph.constant dense<0.5> : tensor<64x64x3x3xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, graph.tiling = #graph.window_tiling<filters = 64, channels = 64, rows = 12, input_once = false, double_input = false, double_weights = false, mma = false>} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  %a = graph.add %c, %r : tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32> -> tensor<1x64x56x56xf32>
  return %a : tensor<1x64x56x56xf32>
}
func.func @free(%x: tensor<1x64x56x56xf32>, %r: tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32> {
  %w = graph.constant dense<0.5> : tensor<64x64x3x3xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  %a = graph.add %c, %r : tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32> -> tensor<1x64x56x56xf32>
  return %a : tensor<1x64x56x56xf32>
}
