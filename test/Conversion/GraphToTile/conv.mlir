// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// A 3x3 stride-1 pad-1 conv: the padded input tile (2 x 12 x 12) is filled with 0, the
// input rows DMA'd inside it (from element 13 = row 1, column 1), then one tile.conv2d over the whole tile.
// CHECK-LABEL: func.func @main
// CHECK: tile.elementwise fill {{.*}}count = 288{{.*}}params = array<f32: 0.000000e+00>
// CHECK: tile.dma %arg0[%{{.*}}] -> %{{.*}}[%c13] sizes [2, 10, 10] src_strides [100, 10] dst_strides [144, 12]
// CHECK: tile.conv2d conv {{.*}}{accumulate = false, channels = 2 : i64, dil_h = 1 : i64, dil_w = 1 : i64, filters = 4 : i64, in_cols = 12 : i64, in_rows = 12 : i64, kh = 3 : i64, kw = 3 : i64, out_cols = 10 : i64, out_rows = 10 : i64, stride_h = 1 : i64, stride_w = 1 : i64}
// CHECK: tile.dma %{{.*}} -> %{{.*}} sizes [4, 10, 10] src_strides [100, 10] dst_strides [100, 10]
func.func @main(%x: tensor<1x2x10x10xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x10x10xf32> {
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x2x10x10xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x10x10xf32>
  return %c : tensor<1x4x10x10xf32>
}

// -----

// Max pooling pads with -inf and takes no weights.
// CHECK-LABEL: func.func @main
// CHECK: tile.elementwise fill {{.*}}params = array<f32: 0xFF800000>
// CHECK: tile.conv2d max {{.*}}kh = 2 : i64, kw = 2 : i64{{.*}}stride_h = 2 : i64, stride_w = 2 : i64
func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  %p = graph.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return %p : tensor<1x3x4x4xf32>
}

// -----

// Global average pooling is a mean over the last two axes: rows of 64.
// CHECK-LABEL: func.func @main
// CHECK: tile.reduce sum {{.*}}{count = 8 : i64, len = 64 : i64}
// CHECK: tile.elementwise affine {{.*}}params = array<f32: 1.562500e-02, 0.000000e+00>
func.func @main(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x1x1xf32> {
  %m = graph.reduce mean %x {axes = array<i64: 2, 3>, keepdims = true} : tensor<1x8x8x8xf32> -> tensor<1x8x1x1xf32>
  return %m : tensor<1x8x1x1xf32>
}
