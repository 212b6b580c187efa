// RUN: d1-opt %s -split-input-file --convert-graph-to-tile --canonicalize | FileCheck %s

// A broadcast bias add: rows of 40 elements; the [40] operand's row stride is
// 0, and each row of the tile is one tile.elementwise.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: memref<4x40xf32, #tile.mem<dram>>, %[[B:.*]]: memref<40xf32, #tile.mem<dram>>, %[[Y:.*]]: memref<4x40xf32, #tile.mem<dram>>)
// CHECK-SAME: d1.num_inputs = 2
// CHECK: tile.dma %[[X]][%{{.*}}] -> %{{.*}} sizes [1, 4, 40] src_strides [0, 40] dst_strides [0, 40]
// CHECK: tile.dma %[[B]][%{{.*}}] -> %{{.*}} sizes [1, 4, 40] src_strides [0, 0] dst_strides [0, 40]
// CHECK-COUNT-4: tile.elementwise add {{.*}}count = 40
// The relu of the intermediate goes straight into the output buffer.
// CHECK: tile.elementwise relu {{.*}}count = 160
// CHECK: tile.dma %{{.*}} -> %[[Y]][%{{.*}}] sizes [1, 1, 160]
// CHECK-NOT: graph.
func.func @main(%x: tensor<4x40xf32>, %b: tensor<40xf32>) -> tensor<4x40xf32> {
  %a = graph.add %x, %b : tensor<4x40xf32>, tensor<40xf32> -> tensor<4x40xf32>
  %r = graph.relu %a : tensor<4x40xf32>
  return %r : tensor<4x40xf32>
}

// -----

// A per-row scalar ([4, 1]) broadcasts inside the row: stride 0, one element
// per row in SRAM.
// CHECK-LABEL: func.func @main
// CHECK: tile.dma %arg1[%{{.*}}] -> %{{.*}} sizes [1, 4, 1] src_strides [0, 1] dst_strides [0, 1]
// CHECK: tile.elementwise mul {{.*}}in0_stride = 1 : i64, in1_stride = 0 : i64
func.func @main(%x: tensor<4x40xf32>, %s: tensor<4x1xf32>) -> tensor<4x40xf32> {
  %a = graph.mul %x, %s : tensor<4x40xf32>, tensor<4x1xf32> -> tensor<4x40xf32>
  return %a : tensor<4x40xf32>
}

// -----

// Reshape is free: a tile.view of the same storage, then a copy to the
// output (a function result must be its own buffer).
// CHECK-LABEL: func.func @main
// CHECK: %[[V:.*]] = tile.view %arg0 : memref<2x6xf32, #tile.mem<dram>> to memref<3x4xf32, #tile.mem<dram>>
// CHECK: tile.dma %[[V]]
func.func @main(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %r = graph.reshape %x : tensor<2x6xf32> -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}

// -----

// A constant becomes a memref.global read with memref.get_global.
// CHECK: memref.global "private" constant @cst0 : memref<3xf32, #tile.mem<dram>> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]>
// CHECK-LABEL: func.func @main
// CHECK: memref.get_global @cst0
func.func @main(%x: tensor<3xf32>) -> tensor<3xf32> {
  %c = graph.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %r = graph.sub %x, %c : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// Typed SRAM buffers: an fp32 comparison writes a bool tile, where reads a
// bool condition and two fp32 operands (the scalar one, with stride 0, elided
// as the default, in a one-element buffer).
// CHECK-LABEL: func.func @main
// CHECK: tile.elementwise gt %{{.*}}, %{{.*}} -> %{{.*}} {{.*}} : memref<{{[0-9]+}}xf32, #tile.mem<sram>>, memref<{{[0-9]+}}xi1, #tile.mem<sram>>
// CHECK: tile.elementwise where {{.*}} : memref<{{[0-9]+}}xi1, #tile.mem<sram>>, memref<{{[0-9]+}}xf32, #tile.mem<sram>>, memref<{{[0-9]+}}xf32, #tile.mem<sram>>, memref<1xf32, #tile.mem<sram>>
func.func @main(%x: tensor<4x40xf32>) -> tensor<4x40xf32> {
  %z = graph.constant dense<0.0> : tensor<f32>
  %m = graph.compare gt %x, %z : tensor<4x40xf32>, tensor<f32> -> tensor<4x40xi1>
  %r = graph.where %m, %x, %z : (tensor<4x40xi1>, tensor<4x40xf32>, tensor<f32>) -> tensor<4x40xf32>
  return %r : tensor<4x40xf32>
}

// -----

// A reduction over non-adjacent axes copies the input with the reduced axes
// last (a strided DMA per row), then reduces rows of 2 x 4.
// CHECK-LABEL: func.func @main
// CHECK: %[[T:.*]] = memref.alloc() : memref<3x2x4xf32, #tile.mem<dram>>
// CHECK: tile.dma %arg0{{.*}} src_strides [0, 12]
// CHECK: tile.reduce sum {{.*}}len = 8
func.func @main(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %r = graph.reduce sum %x {axes = array<i64: 0, 2>, keepdims = false} : tensor<2x3x4xf32> -> tensor<3xf32>
  return %r : tensor<3xf32>
}
