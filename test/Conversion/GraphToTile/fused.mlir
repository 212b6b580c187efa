// RUN: d1-opt %s -split-input-file --convert-graph-to-tile | FileCheck %s

// An epilogue runs on each output tile of the convolution while it is in
// SRAM: the residual tile comes in by DMA, add and relu work in place on the
// conv's tile, and only the result goes to DRAM: no DRAM buffer for the
// conv's or the add's result.
// CHECK-LABEL: func.func @main
// CHECK-NOT: memref.alloc() : memref<1x8x6x6xf32, #tile.mem<dram>>
// CHECK: tile.conv2d conv
// CHECK: tile.elementwise add %[[O:[a-z_0-9]+]]
// CHECK: %[[RES:.*]] = memref.alloc() : memref<288xf32, #tile.mem<sram>>
// CHECK: tile.dma %arg1[%{{.*}}] -> %[[RES]][%{{.*}}] sizes [8, 6, 6] src_strides [36, 6] dst_strides [36, 6]
// CHECK: tile.elementwise add %[[O]][%{{.*}}], %[[RES]][%{{.*}}] -> %[[O]][%{{.*}}] {count = 288 : i64
// CHECK: tile.elementwise relu %[[O]][%{{.*}}] -> %[[O]][%{{.*}}] {count = 288 : i64
// CHECK: tile.dma %[[O]][%{{.*}}] -> %arg2[%{{.*}}] sizes [8, 6, 6]
// CHECK-NOT: tile.dma
// CHECK: return
func.func @main(%x: tensor<1x4x6x6xf32>, %res: tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %w = graph.constant dense<0.5> : tensor<8x4x3x3xf32>
  %b = graph.constant dense<0.25> : tensor<8xf32>
  %y = graph.fused epilogue {
    %c = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x6x6xf32>
    %s = graph.add %c, %res : tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32> -> tensor<1x8x6x6xf32>
    %r = graph.relu %s : tensor<1x8x6x6xf32>
    graph.yield %r : tensor<1x8x6x6xf32>
  } : tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

// Broadcast operands of a matmul epilogue: a per-column bias (one row of
// the tile at a time) and a scalar (the whole tile at once); the product,
// read twice, is also an output of the group.
// CHECK-LABEL: func.func @main
// CHECK: tile.matmul %{{.*}} -> %[[C:[a-z_0-9]+]]
// CHECK: tile.dma %[[C]][%{{.*}}] -> %arg2[%{{.*}}] sizes [1, 6, 16]
// CHECK: %[[BIAS:.*]] = memref.alloc() : memref<16xf32, #tile.mem<sram>>
// CHECK: tile.dma %{{.*}}[%{{.*}}] -> %[[BIAS]][%{{.*}}] sizes [1, 1, 16]
// CHECK: scf.for
// (The product is written out first, so the add may overwrite its tile.)
// CHECK: tile.elementwise add %[[C]][%{{.*}}], %[[BIAS]][%{{.*}}] -> %[[C]][%{{.*}}] {count = 16 : i64, in0_stride = 1 : i64, in1_stride = 1 : i64
// CHECK: %[[S:.*]] = memref.alloc() : memref<1xf32, #tile.mem<sram>>
// CHECK: tile.elementwise mul %[[C]][%{{.*}}], %[[S]][%{{.*}}] -> %[[C]][%{{.*}}] {count = 96 : i64, in0_stride = 1 : i64, in1_stride = 0 : i64
// CHECK: tile.dma %[[C]][%{{.*}}] -> %arg1[%{{.*}}] sizes [1, 6, 16]
func.func @main(%x: tensor<6x8xf32>) -> (tensor<6x16xf32>, tensor<6x16xf32>) {
  %w = graph.constant dense<0.5> : tensor<8x16xf32>
  %bias = graph.constant dense<0.25> : tensor<16xf32>
  %half = graph.constant dense<0.5> : tensor<f32>
  %f:2 = graph.fused epilogue {
    %m = graph.matmul %x, %w : tensor<6x8xf32>, tensor<8x16xf32> -> tensor<6x16xf32>
    %b = graph.add %m, %bias : tensor<6x16xf32>, tensor<16xf32> -> tensor<6x16xf32>
    %h = graph.mul %b, %half : tensor<6x16xf32>, tensor<f32> -> tensor<6x16xf32>
    graph.yield %h, %m : tensor<6x16xf32>, tensor<6x16xf32>
  } : tensor<6x16xf32>, tensor<6x16xf32>
  return %f#0, %f#1 : tensor<6x16xf32>, tensor<6x16xf32>
}
