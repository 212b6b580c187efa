// RUN: d1-opt %s -split-input-file --convert-graph-to-tile=precision=bf16 --canonicalize | FileCheck %s
// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s --check-prefix=FP32
// RUN: not d1-opt %s -split-input-file --convert-graph-to-tile=precision=fp16 2>&1 | FileCheck %s --check-prefix=BAD

// On the matrix unit: the weights become a bf16 constant of A tiles (16
// filters x 3 x 3 x 8 channels, already a multiple of 8 x 4), copied into
// SRAM as bf16; each input tile is rounded into its views once
// (tile.mma_views) and the convolution reads them, starting its
// accumulators from the bias (no separate bias pass).
// CHECK: memref.global "private" constant @{{.*}} : memref<1152xbf16, #tile.mem<dram>> = dense<
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = memref.alloc() : memref<1152xbf16, #tile.mem<sram>>
// CHECK: %[[V:.*]] = memref.alloc() : memref<{{[0-9]+}}xbf16, #tile.mem<sram>>
// CHECK: tile.dma %{{.*}}[%c0] -> %[[W]][%c0] sizes [1, 18, 64]
// CHECK: tile.mma_views %[[X:.*]][%c0] -> %[[V]][%c0] {channels = 8 : i64, dil_w = 1 : i64, in_cols = 12 : i64
// CHECK: tile.conv2d_mma %[[X]][%c0], %[[W]][%c0], %[[V]][%c0], bias %{{.*}} -> %{{.*}} {accumulate = false, channels = 8 : i64
// CHECK-NOT: tile.elementwise add
// FP32-LABEL: func.func @main
// FP32-NOT: tile.conv2d_mma
// FP32: tile.conv2d conv
// FP32: tile.elementwise add
func.func @main(%x: tensor<1x8x10x10xf32>) -> tensor<1x16x10x10xf32> {
  %w = graph.constant dense<0.5> : tensor<16x8x3x3xf32>
  %b = graph.constant dense<0.25> : tensor<16xf32>
  %c = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x10x10xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x10x10xf32>
  return %c : tensor<1x16x10x10xf32>
}

// -----

// A depthwise convolution (one channel per group) and a column stride of 3
// stay on the vector unit.
// CHECK-LABEL: func.func @main
// CHECK-NOT: tile.conv2d_mma
// CHECK: tile.conv2d conv
// CHECK-NOT: tile.conv2d_mma
// CHECK: tile.conv2d conv
// CHECK-NOT: tile.conv2d_mma
func.func @main(%x: tensor<1x8x12x12xf32>) -> tensor<1x8x4x4xf32> {
  %w = graph.constant dense<0.5> : tensor<8x1x3x3xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64} : (tensor<1x8x12x12xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x12x12xf32>
  %w2 = graph.constant dense<0.5> : tensor<8x8x3x3xf32>
  %d = graph.conv %c, %w2 {strides = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x12x12xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x4x4xf32>
  return %d : tensor<1x8x4x4xf32>
}

// -----

// Matrix products run on the matrix unit too: the A, B and C tiles stay
// fp32 and tile.matmul_mma rounds A and B into its bf16 scratch (here
// 13 x 36 and 36 x 24 padded to 16 x 36 and 36 x 24: 1152 + 1728 bytes,
// then the 256-byte staging block: 3136 bytes). With K > 128 the K tiles
// accumulate into C.
// CHECK-LABEL: func.func @main
// CHECK: %[[S:.*]] = memref.alloc() : memref<1568xbf16, #tile.mem<sram>>
// CHECK: tile.matmul_mma %{{.*}}[%c0], %{{.*}}[%c0], %[[S]][%c0] -> %{{.*}}[%c0] {accumulate = false, k = 36 : i64, lda = 36 : i64, ldb = 24 : i64, ldc = 24 : i64, m = 13 : i64, n = 24 : i64}
// CHECK-NOT: tile.matmul {{.*}}
// CHECK: tile.elementwise fill
// CHECK: tile.matmul_mma {{.*}} {accumulate = true, k = 128 : i64
// CHECK: tile.matmul_mma {{.*}} {accumulate = true, k = 44 : i64
// FP32-LABEL: func.func @main
// FP32-NOT: tile.matmul_mma
// FP32: tile.matmul
func.func @main(%x: tensor<13x36xf32>, %y: tensor<8x300xf32>) -> (tensor<13x24xf32>, tensor<8x16xf32>) {
  %w = graph.constant dense<0.5> : tensor<36x24xf32>
  %m = graph.matmul %x, %w : tensor<13x36xf32>, tensor<36x24xf32> -> tensor<13x24xf32>
  %w2 = graph.constant dense<0.25> : tensor<300x16xf32>
  %n = graph.matmul %y, %w2 : tensor<8x300xf32>, tensor<300x16xf32> -> tensor<8x16xf32>
  return %m, %n : tensor<13x24xf32>, tensor<8x16xf32>
}

// BAD: error: precision must be fp32 or bf16, not 'fp16'
