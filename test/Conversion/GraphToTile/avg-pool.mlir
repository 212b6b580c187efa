// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// Average pooling is a window sum (tile.conv2d sum, no weights) scaled by
// 1 / (kh * kw). Without padding every window is full, so count_include_pad
// = false changes nothing: one affine by 1/4, no table of counts.
// CHECK-LABEL: func.func @main
// CHECK-NOT: memref.global
// CHECK: tile.elementwise fill {{.*}}params = array<f32: 0.000000e+00>
// CHECK: tile.dma %arg0[%c0] -> %{{.*}} sizes [3, 8, 8] src_strides [64, 8] dst_strides [64, 8]
// CHECK: tile.conv2d sum %[[X:.*]][%c0] -> %[[O:.*]][%c0] {accumulate = false, channels = 3 : i64{{.*}}filters = 1 : i64{{.*}}kh = 2 : i64, kw = 2 : i64, out_cols = 4 : i64, out_rows = 4 : i64, stride_h = 2 : i64, stride_w = 2 : i64}
// CHECK: tile.elementwise affine %[[O]][%c0] -> %[[O]][%c0] {count = 48 : i64{{.*}}params = array<f32: 2.500000e-01, 0.000000e+00>}
// CHECK-NOT: tile.elementwise mul
// CHECK: tile.dma %[[O]][%c0] -> %arg1[%c0] sizes [3, 4, 4]
func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  %p = graph.avg_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, count_include_pad = false} : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  return %p : tensor<1x3x4x4xf32>
}

// -----

// count_include_pad = true: the padded 5 x 5 tile is filled with 0, the input
// rows land inside it from element 6 (row 1, column 1), and every window,
// clipped or not, is divided by 9.
// CHECK-LABEL: func.func @main
// CHECK-NOT: memref.global
// CHECK: tile.elementwise fill {{.*}}count = 50 : i64{{.*}}params = array<f32: 0.000000e+00>
// CHECK: tile.dma %arg0[%c0] -> %{{.*}}[%c6] sizes [2, 3, 3] src_strides [9, 3] dst_strides [25, 5]
// CHECK: tile.conv2d sum {{.*}}channels = 2 : i64{{.*}}in_cols = 5 : i64, in_rows = 5 : i64, kh = 3 : i64, kw = 3 : i64, out_cols = 3 : i64, out_rows = 3 : i64
// CHECK: tile.elementwise affine {{.*}}count = 18 : i64{{.*}}params = array<f32: 0.111111112, 0.000000e+00>
func.func @main(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %p = graph.avg_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : tensor<1x2x3x3xf32> -> tensor<1x2x3x3xf32>
  return %p : tensor<1x2x3x3xf32>
}

// -----

// count_include_pad = false with padding: border windows count only the
// input they cover (corners 4, edges 6, centre 9), so the lowering makes a
// [OH * OW] constant of reciprocal counts, loads it next to the sums, and
// multiplies each channel's 9 sums by it instead of one affine.
// CHECK: memref.global "private" constant @[[G:.*]] : memref<9xf32, #tile.mem<dram>> = dense<[2.500000e-01, 0.166666672, 2.500000e-01, 0.166666672, 0.111111112, 0.166666672, 2.500000e-01, 0.166666672, 2.500000e-01]>
// CHECK-LABEL: func.func @main
// CHECK: %[[C:.*]] = memref.get_global @[[G]]
// CHECK: tile.conv2d sum %{{.*}} -> %[[O:.*]][%c0]
// CHECK: tile.dma %[[C]][%c0] -> %[[S:.*]][%c0] sizes [1, 1, 9]
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK: tile.elementwise mul %[[O]][%{{.*}}], %[[S]][%c0] -> %[[O]][%{{.*}}] {count = 9 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64
// CHECK-NOT: tile.elementwise affine
// CHECK: tile.dma %[[O]][%c0] -> %arg1[%c0] sizes [2, 3, 3]
func.func @main(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %p = graph.avg_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = false} : tensor<1x2x3x3xf32> -> tensor<1x2x3x3xf32>
  return %p : tensor<1x2x3x3xf32>
}

// -----

// Rows too wide for 64 KiB of SRAM with count_include_pad = true: like max
// pooling, the output is pooled in 16 column strips of 625, each from a
// copy of the input columns it reads, and each strip's sums are scaled by
// 1/6 (the first strip keeps the left padding column).
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %{{.*}} -> %{{.*}}[%c1] sizes [1, 2, 1250]
// CHECK-COUNT-16: tile.conv2d sum {{.*}}kh = 2 : i64, kw = 3 : i64, out_cols = 625 : i64, out_rows = 1 : i64, stride_h = 1 : i64, stride_w = 2 : i64}
// CHECK-NOT: tile.conv2d
// CHECK: tile.elementwise affine {{.*}}count = 625 : i64{{.*}}params = array<f32: 0.166666672, 0.000000e+00>
// CHECK: tile.dma %{{.*}} -> %arg1[%c9375] sizes [1, 1, 625]
module attributes {d1.target = #d1.target<{sram_bytes = 65536 : i64}>} {
func.func @main(%x: tensor<1x1x2x20000xf32>) -> tensor<1x1x1x10000xf32> {
  %p = graph.avg_pool %x {kernel = array<i64: 2, 3>, strides = array<i64: 1, 2>, pads = array<i64: 0, 1, 0, 0>, count_include_pad = true} : tensor<1x1x2x20000xf32> -> tensor<1x1x1x10000xf32>
  return %p : tensor<1x1x1x10000xf32>
}
}
